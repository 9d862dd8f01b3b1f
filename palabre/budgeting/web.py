"""What the commune home and the staff home show of participatory budgets (registered in apps.py)."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from palabre.budgeting.permissions import MANAGER_ROLES
from palabre.budgeting.phases import IDEAS, INFORMATION, RESULTS, REVIEW, VOTING, voting_closes_on
from palabre.budgeting.queries.cycles import cycles_by_phase
from palabre.core.openings import Opening
from palabre.core.staff_tools import StaffTool
from palabre.territory.models import Module


def budgeting_openings(commune) -> list[Opening]:
    """One link per published cycle that invites residents to act now: read the rules, propose an idea,
    vote, see the results (one query)."""
    openings = []
    for cycle, phase in cycles_by_phase(commune):
        args = [commune.slug, cycle.pk]
        if phase == INFORMATION:
            title = _("%(title)s : découvrez l'enveloppe et les règles") % {"title": cycle.title}
            openings.append(_opening(title, "budgeting:cycle_detail", args, cycle.ideas_on - _DAY))
        elif phase == IDEAS:
            title = _("Proposer une idée pour %(title)s") % {"title": cycle.title}
            openings.append(_opening(title, "budgeting:idea_submit", args, cycle.review_on - _DAY))
        elif phase == REVIEW:
            title = _("%(title)s : les idées proposées") % {"title": cycle.title}
            openings.append(_opening(title, "budgeting:idea_list", args, cycle.voting_on - _DAY))
        elif phase == VOTING:
            title = _("Voter pour %(title)s") % {"title": cycle.title}
            openings.append(_opening(title, "budgeting:vote", args, voting_closes_on(cycle)))
        elif phase == RESULTS:
            title = _("Résultats de %(title)s") % {"title": cycle.title}
            openings.append(_opening(title, "budgeting:cycle_detail", args, cycle.follow_up_on - _DAY))
    return openings


_DAY = datetime.timedelta(days=1)


def _opening(title: str, url_name: str, args: list, closes_on: datetime.date) -> Opening:
    return Opening(
        title=title, url=reverse(url_name, args=args), module=Module.BUDGETING, closes_on=closes_on
    )


def budgeting_staff_tools(commune, roles: set[str]) -> list[StaffTool]:
    """The managers' entry to the budgets of the commune."""
    if not roles & set(MANAGER_ROLES):
        return []
    url = reverse("budgeting:office_cycles", kwargs={"commune_slug": commune.slug})
    return [
        StaffTool(_("Budgets participatifs : cycles, enveloppes, examen des idées"), url, Module.BUDGETING)
    ]
