"""Participatory budgeting on feature phones: the USSD menus, and what they share with the SMS keywords
(palabre/budgeting/sms_keywords.py).

- `ussd_vote`: the vote (residence, envelope, age, the ballot paged with its running total, confirm);
- `ussd_ideas`: propose an idea;
- `shared`: short amounts, the cycle open to votes or ideas today.

BudgetingConfig.ready() registers the menu entries with `channels.router` from the names re-exported here.
Screens are registered with the engine by their dotted name (`palabre.budgeting.channels.ussd_vote.
vote_ballot`): renaming a module changes the key, and a session stored under the old one is told "Ce menu
a changé".
"""

from palabre.budgeting.channels.shared import (
    budgeting_enabled,
    ideas_cycle,
    ideas_open,
    published_cycles,
    short_money,
    voting_cycle,
    voting_open,
)
from palabre.budgeting.channels.ussd_ideas import idea_confirm, idea_description, idea_place, idea_title
from palabre.budgeting.channels.ussd_vote import (
    phone_voter,
    vote_age,
    vote_ballot,
    vote_confirm,
    vote_envelope,
    vote_envelopes,
    vote_points,
    vote_start,
)

__all__ = [
    "budgeting_enabled",
    "idea_confirm",
    "idea_description",
    "idea_place",
    "idea_title",
    "ideas_cycle",
    "ideas_open",
    "phone_voter",
    "published_cycles",
    "short_money",
    "vote_age",
    "vote_ballot",
    "vote_confirm",
    "vote_envelope",
    "vote_envelopes",
    "vote_points",
    "vote_start",
    "voting_cycle",
    "voting_open",
]
