"""The phases of a participatory-budgeting cycle, defined once: their order, names and start dates.

A cycle stores the first day of each phase (`Cycle.<phase>_on`); the phase of a day is the last one whose
first day has come. Before the information phase the cycle is not open yet ("upcoming").
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UPCOMING = "upcoming"
INFORMATION = "information"
IDEAS = "ideas"
REVIEW = "review"
VOTING = "voting"
RESULTS = "results"
FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class Phase:
    code: str
    label: Promise
    explanation: Promise
    date_field: str


PHASES = (
    Phase(
        INFORMATION, _("Information"), _("La mairie présente l'enveloppe et les règles."), "information_on"
    ),
    Phase(IDEAS, _("Dépôt des idées"), _("Chaque habitant peut proposer des projets."), "ideas_on"),
    Phase(
        REVIEW,
        _("Examen technique"),
        _("Les services techniques vérifient chaque idée et estiment son coût."),
        "review_on",
    ),
    Phase(VOTING, _("Vote"), _("Les habitants choisissent les projets à réaliser."), "voting_on"),
    Phase(
        RESULTS,
        _("Résultats"),
        _("Les projets retenus sont publiés, avec le détail du calcul."),
        "results_on",
    ),
    Phase(
        FOLLOW_UP,
        _("Suivi des projets"),
        _("La mairie publie l'avancement des projets retenus."),
        "follow_up_on",
    ),
)
PHASE_CODES = tuple(phase.code for phase in PHASES)


def phase_of(cycle, *, on: datetime.date | None = None) -> str:
    """The code of the cycle's phase on a day (today by default), or UPCOMING before it starts."""
    day = on or timezone.localdate()
    current = UPCOMING
    for phase in PHASES:
        if getattr(cycle, phase.date_field) <= day:
            current = phase.code
    return current


def phase_timeline(cycle, *, on: datetime.date | None = None) -> list[dict]:
    """Every phase with its dates and whether it is past, current or to come, for the cycle page."""
    current = phase_of(cycle, on=on)
    current_index = PHASE_CODES.index(current) if current in PHASE_CODES else -1
    timeline = []
    for index, phase in enumerate(PHASES):
        next_start = getattr(cycle, PHASES[index + 1].date_field) if index + 1 < len(PHASES) else None
        timeline.append(
            {
                "phase": phase,
                "starts_on": getattr(cycle, phase.date_field),
                "ends_on": next_start - datetime.timedelta(days=1) if next_start else None,
                "state": "past"
                if index < current_index
                else "current"
                if index == current_index
                else "future",
            }
        )
    return timeline


def voting_closes_on(cycle) -> datetime.date:
    """The last day of voting (the day before results)."""
    return cycle.results_on - datetime.timedelta(days=1)
