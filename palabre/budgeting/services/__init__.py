"""Budgeting services, one module per topic (import helpers and errors from the module, e.g.
services.voting.BallotRejected).

The public services are the names listed here: every write with rules, each opening one
`transaction.atomic()`. They are called by views, channel adapters, tasks and commands, never by one
another; what two of them share is a private step in the caller's transaction (`voting._cast`,
`voting._mix`, `voters._residence_keep`, `proposals._proposal_phones_erase`), checked by
palabre/core/tests/test_service_nesting.py.
"""

from palabre.budgeting.services.cycles import (
    cycle_create,
    cycle_publish,
    cycle_update,
    envelope_remove,
    envelope_set,
)
from palabre.budgeting.services.erasure import budgeting_forget_phone
from palabre.budgeting.services.followup import project_update_add
from palabre.budgeting.services.paper import (
    paper_batch_discard,
    paper_batch_finish_round,
    paper_batch_open,
    paper_batch_reconcile,
    paper_entry_add,
)
from palabre.budgeting.services.proposals import (
    proposal_merge,
    proposal_phones_erase,
    proposal_review,
    proposal_submit,
    proposal_withdraw,
)
from palabre.budgeting.services.results import results_compute, results_publish
from palabre.budgeting.services.voters import residence_declare
from palabre.budgeting.services.voting import ballot_cast, ballots_cast, ballots_mix

__all__ = [
    "ballot_cast",
    "ballots_cast",
    "ballots_mix",
    "budgeting_forget_phone",
    "cycle_create",
    "cycle_publish",
    "cycle_update",
    "envelope_remove",
    "envelope_set",
    "paper_batch_discard",
    "paper_batch_finish_round",
    "paper_batch_open",
    "paper_batch_reconcile",
    "paper_entry_add",
    "project_update_add",
    "proposal_merge",
    "proposal_phones_erase",
    "proposal_review",
    "proposal_submit",
    "proposal_withdraw",
    "residence_declare",
    "results_compute",
    "results_publish",
]
