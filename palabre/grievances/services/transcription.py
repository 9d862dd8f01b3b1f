"""Transcribing a voice complaint: staff listen to the recording and type what the citizen said."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User
from palabre.core.services import audit_record
from palabre.grievances.models import Complaint, EventKind
from palabre.grievances.services.common import add_event, check_may_handle, require_text

TRANSCRIPTION_MAX = 5000


def complaint_transcribe(*, complaint: Complaint, text: str, by: User | None) -> Complaint:
    """Write down a voice complaint's recording: the text becomes its description (the recording stays),
    shown like a typed description (publicly, unless the complaint is sensitive). A later transcription
    corrects the earlier one; each is an internal timeline line and an audit event (without the text)."""
    text = require_text(text, field="text", message=_("Écrivez ce que dit le message vocal."))
    if len(text) > TRANSCRIPTION_MAX:
        raise ValidationError({"text": _("La transcription est trop longue (5000 caractères au plus).")})
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        check_may_handle(complaint, by)
        if not complaint.voice_recording:
            raise ValidationError(_("Cette plainte n'a pas de message vocal."), code="no_recording")
        corrected = bool(complaint.description)
        complaint.description = text
        complaint.save(update_fields=["description"])
        add_event(complaint, EventKind.NOTE, by=by, note=str(_("Message vocal transcrit.")), is_public=False)
        audit_record(
            action="grievances.transcribed",
            actor_id=getattr(by, "pk", None),
            commune_id=complaint.commune_id,
            target=complaint,
            data={"code": complaint.code, "corrected": corrected, "length": len(text)},
        )
    return complaint
