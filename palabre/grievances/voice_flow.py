"""Complaints by voice: a caller picks the category with the keypad and records the complaint; a WhatsApp
voice note is a complaint in the "other" category. The recording is filed by the same service as the web
form (`complaint_file(..., channel="voice"|"whatsapp", voice_recording=...)`) once the voice engine has
downloaded it (`palabre.channels.voice`); staff listen to it and transcribe it on the complaint page."""

from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import User
from palabre.accounts.queries import user_by_phone
from palabre.channels.router import InboundContext
from palabre.channels.ussd.sessions import caller_traits
from palabre.channels.voice.flows import Recording, VoiceChoice, VoiceFlow
from palabre.core.permissions import NotFound
from palabre.core.validators import parse_ascii_int
from palabre.grievances import services
from palabre.grievances.models import Category
from palabre.grievances.permissions import access_category
from palabre.grievances.queries import active_categories, fallback_category

FALLBACK_CATEGORY = "other"


def complaint_voice_flow(context: InboundContext) -> VoiceFlow:
    choices = tuple(
        VoiceChoice(value=str(category.pk), label=category.label)
        for category in active_categories(context.commune)
    )
    return VoiceFlow(choices=choices, on_recording=file_recorded_complaint)


def file_recorded_complaint(recording: Recording) -> tuple[int, str]:
    """File the recorded complaint (the voice engine calls this once per call or voice note)."""
    traits = caller_traits(recording.phone)
    reporter = user_by_phone(recording.phone)
    complaint = services.complaint_file(
        commune=recording.commune,
        category=_category(recording, reporter),
        description="",
        channel=recording.channel,
        voice_recording=recording.audio,
        reporter=reporter,
        reporter_phone=PhoneNumber.from_string(recording.phone),
        language=recording.language,
        gender=traits["gender"],
        age_band=traits["age_band"],
    )
    return complaint.pk, complaint.code


def _category(recording: Recording, reporter: User | None) -> Category | None:
    """The category chosen on the keypad; else (a WhatsApp voice note, a key of no offered category) the
    commune's "other" one."""
    try:
        chosen = access_category(
            actor=reporter, commune=recording.commune, id=parse_ascii_int(recording.choice)
        )
    except NotFound:
        chosen = None
    if chosen is not None and chosen.is_active:
        return chosen
    return fallback_category(recording.commune, code=FALLBACK_CATEGORY)
