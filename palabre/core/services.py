"""The kernel's writes, by topic: audit log, participation ledger, SMS outbox, code guesses."""

from palabre.core.audit import audit_record
from palabre.core.guesses import GuessesLimited, guarded_lookup
from palabre.core.ledger import participation_forget, participation_record
from palabre.core.outbox import outbox_forget_phone, outbox_requeue_stuck, sms_queue

__all__ = [
    "GuessesLimited",
    "audit_record",
    "guarded_lookup",
    "outbox_forget_phone",
    "outbox_requeue_stuck",
    "participation_forget",
    "participation_record",
    "sms_queue",
]
