"""What participatory budgeting keeps of a person who is erased (`core.personal_data`, registered by
BudgetingConfig).

An idea stays (its text, number, review and votes) without its author: account, name and the phone kept
for notices. A paper ballot not reconciled yet loses the voter's phone (it is then counted as unreadable,
like a ballot whose number was not written). The voter records hold only a keyed hash of the number and
stay: they are what keeps "one ballot per phone" true after an account is deleted (docs/budgeting.md).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from palabre.accounts.phone import parse_benin_phone
from palabre.budgeting.models import PaperEntry, Proposal


def _same_phone(typed: str, phone: str) -> bool:
    """Whether a number as an officer typed it (`97 11 22 33`, `01 97...`, `+229...`) is `phone`."""
    try:
        return parse_benin_phone(typed).as_e164 == phone
    except (ValidationError, ValueError):
        return typed == phone


def budgeting_forget_phone(phone: str, *, user_id: int | None = None) -> int:
    """Blank the author of the person's ideas and their phone on paper ballots still being typed."""
    mine = Q(author_phone=phone) if phone else Q(pk__in=[])
    if user_id is not None:
        mine |= Q(author_id=user_id)
    with transaction.atomic():
        changed = Proposal.objects.filter(mine).update(author=None, author_name="", author_phone="")
        if phone:
            typed = PaperEntry.objects.exclude(voter_phone="").values_list("pk", "voter_phone")
            entries = [pk for pk, voter_phone in typed if _same_phone(voter_phone, phone)]
            changed += PaperEntry.objects.filter(pk__in=entries).update(voter_phone="")
    return changed
