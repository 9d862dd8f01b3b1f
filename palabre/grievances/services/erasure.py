"""What complaints keep of a person who is erased (`core.personal_data`, registered by GrievancesConfig).

A complaint is a civic record: it stays (its description, category, place, timeline and statistics) but
loses whatever identifies its reporter: account, name, phone and the public-name choice. A "me too"
support stays counted but loses its phone (one filed signed in loses its account when the account goes).
An anonymous complaint never held any of these.
"""

from django.db import transaction
from django.db.models import Q

from palabre.grievances.models import Complaint, ComplaintSupport


def grievances_forget_phone(phone: str, *, user_id: int | None = None) -> int:
    """Blank the reporter's identity on their complaints and the phone on their supports."""
    mine = Q(reporter_phone=phone) if phone else Q(pk__in=[])
    if user_id is not None:
        mine |= Q(reporter_id=user_id)
    with transaction.atomic():
        changed = Complaint.objects.filter(mine).update(
            reporter=None, reporter_name="", reporter_phone="", name_public=False
        )
        supports = Q(phone=phone) if phone else Q(pk__in=[])
        if user_id is not None:
            supports |= Q(user_id=user_id)
        changed += ComplaintSupport.objects.filter(supports).update(phone="", user=None)
    return changed
