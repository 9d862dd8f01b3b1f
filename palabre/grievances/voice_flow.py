"""Complaints by voice: a caller picks the category with the keypad and records the complaint; a WhatsApp
voice note is a complaint in the "other" category. The recording is filed by the same service as the web
form (`complaint_file(..., channel="voice"|"whatsapp", voice_recording=...)`) once the voice engine has
downloaded it (`palabre.channels.voice`); staff listen to it and transcribe it on the complaint page."""

from django.utils.translation import pgettext_lazy
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import User
from palabre.channels import router
from palabre.channels.router import InboundContext
from palabre.channels.ussd.sessions import caller_traits
from palabre.channels.voice.flows import Recording, VoiceChoice, VoiceFlow
from palabre.core.validators import parse_ascii_int
from palabre.grievances import services
from palabre.grievances.channels import complaints_enabled
from palabre.grievances.models import Category
from palabre.grievances.queries import active_categories

FALLBACK_CATEGORY = "other"


def register() -> None:
    """Called from GrievancesConfig.ready()."""
    router.register_voice_flow(
        "complaint_file",
        pgettext_lazy("voice", "déposer une plainte"),
        complaint_voice_flow,
        order=10,
        available=complaints_enabled,
    )


def complaint_voice_flow(context: InboundContext) -> VoiceFlow:
    choices = tuple(
        VoiceChoice(value=str(category.pk), label=category.label)
        for category in active_categories(context.commune)
    )
    return VoiceFlow(choices=choices, on_recording=file_recorded_complaint)


def file_recorded_complaint(recording: Recording) -> tuple[int, str]:
    """File the recorded complaint (the voice engine calls this once per call or voice note)."""
    traits = caller_traits(recording.phone)
    complaint = services.complaint_file(
        commune=recording.commune,
        category=_category(recording),
        description="",
        channel=recording.channel,
        voice_recording=recording.audio,
        reporter=User.objects.filter(phone=recording.phone).first(),
        reporter_phone=PhoneNumber.from_string(recording.phone),
        language=recording.language,
        gender=traits["gender"],
        age_band=traits["age_band"],
    )
    return complaint.pk, complaint.code


def _category(recording: Recording) -> Category:
    categories = active_categories(recording.commune)
    category_id = parse_ascii_int(recording.choice)
    chosen = categories.filter(pk=category_id).first() if category_id is not None else None
    return chosen or categories.filter(code=FALLBACK_CATEGORY).first() or categories.first()
