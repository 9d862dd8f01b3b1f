"""What every complaint service shares: errors, permission, timeline events, SMS, tracking codes."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User
from palabre.core.services import sms_queue
from palabre.grievances.models import Complaint, ComplaintEvent
from palabre.grievances.permissions import may_handle
from palabre.grievances.services.statistics import stats_mark_stale
from palabre.grievances.services.texts import reporter_sms
from palabre.territory.models import Commune

# No 0/O, 1/I/L, U/V (read aloud or handwritten they are confused): 29 characters.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 4
CODE_ATTEMPTS_PER_LENGTH = 8
PREFIX_LENGTH = 3
# The longest text a resident or an officer may write in one field (a description, a note, a reason).
TEXT_MAX_LENGTH = 2000


def check_may_handle(complaint: Complaint, by: User | None) -> None:
    """`by` (a user) must handle complaints in the complaint's commune; None is the system itself."""
    if by is not None and not may_handle(by, complaint):
        raise PermissionDenied(_("Vous ne pouvez pas traiter cette plainte."))


def check_status(complaint: Complaint, allowed: tuple[str, ...]) -> None:
    if complaint.status not in allowed:
        raise ValidationError(
            _("Impossible pour la plainte %(code)s dans l'état « %(status)s »."),
            params={"code": complaint.code, "status": complaint.get_status_display()},
            code="invalid_transition",
        )


def require_text(value: str, *, field: str, message: str | Promise) -> str:
    """The text stripped; ValidationError on `field` when empty (`message`) or longer than TEXT_MAX_LENGTH."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message}, code="required")
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError({field: too_long_message()}, code="too_long")
    return text


def too_long_message() -> str:
    return _("Trop long : %(count)s caractères au plus.") % {"count": TEXT_MAX_LENGTH}


def add_event(
    complaint: Complaint,
    kind: str,
    *,
    by: User | None = None,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    note: str = "",
    is_public: bool = True,
    now: datetime.datetime | None = None,
) -> ComplaintEvent:
    """One timeline line, stamped with the complaint's commune (the Open311 updates are read by commune);
    a change of status also makes the commune's statistics snapshot stale."""
    if to_status:
        stats_mark_stale(commune_id=complaint.commune_id)
    return ComplaintEvent.objects.create(
        complaint=complaint,
        commune_id=complaint.commune_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        message=message,
        note=note,
        is_public=is_public,
        actor=by,
        created_at=now or timezone.now(),
    )


def notify_reporter(
    complaint: Complaint, kind: str, *, key: str, date: datetime.date | None = None, original: str = ""
) -> None:
    """Queue the reporter's SMS for this step, once per `key`, if they gave a phone number."""
    if not complaint.reporter_phone:
        return
    sms_queue(
        to=complaint.reporter_phone.as_e164,
        body=reporter_sms(
            kind, code=complaint.code, language=complaint.language, date=date, original=original
        ),
        kind=f"grievances.{kind}",
        commune_id=complaint.commune_id,
        idempotency_key=f"grievances:{complaint.pk}:{key}",
    )


def code_prefix(commune: Commune) -> str:
    """Three letters from the commune's slug: `bohicon` gives BOH."""
    letters = "".join(char for char in commune.slug.upper() if char.isalpha())
    return (letters + "XXX")[:PREFIX_LENGTH]


def _random_part(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_tracking_code(commune: Commune) -> str:
    """A free code like BOH-7K3M; a fifth (then sixth) character is added if 4 keep colliding."""
    prefix = code_prefix(commune)
    for length in (CODE_LENGTH, CODE_LENGTH + 1, CODE_LENGTH + 2):
        for _attempt in range(CODE_ATTEMPTS_PER_LENGTH):
            code = f"{prefix}-{_random_part(length)}"
            if not Complaint.objects.filter(code=code).exists():
                return code
    raise RuntimeError("No free tracking code found")


def normalize_code(text: str) -> str:
    """What a person typed (`boh 7k3m`, `BOH7K3M`) as a stored code (`BOH-7K3M`)."""
    compact = "".join(char for char in (text or "").upper() if char.isalnum())
    if len(compact) <= PREFIX_LENGTH:
        return compact
    return f"{compact[:PREFIX_LENGTH]}-{compact[PREFIX_LENGTH:]}"
