"""The complaint status machine, defined once: each step's allowed from-states, to-state, timeline event
and SMS to the reporter (the services in handling.py and citizen.py apply it; the officers' page offers an
action in its from-states).

    received -> acknowledged -> assigned -> in_progress -> resolved -> closed
    (received with a default assignee -> assigned on acknowledgement)
    any open status -> rejected (reason) | referred (to whom) | duplicate (of which)
    resolved -> in_progress / acknowledged when the reporter disagrees
"""

from dataclasses import dataclass

from palabre.grievances.models import OPEN_STATUSES, Complaint, EventKind, Status


@dataclass(frozen=True)
class Transition:
    """One step: `action` names its audit event (`grievances.<action>`)."""

    action: str
    from_statuses: tuple[str, ...]
    to_status: str
    event_kind: str
    sms_kind: str
    # The to-state instead when the complaint already has an assignee.
    to_status_if_assigned: str | None = None

    def to_status_of(self, complaint: Complaint) -> str:
        if self.to_status_if_assigned and complaint.assignee_id:
            return self.to_status_if_assigned
        return self.to_status


ASSIGNABLE = (Status.RECEIVED, Status.ACKNOWLEDGED)
REASSIGNABLE = (Status.ASSIGNED, Status.IN_PROGRESS)
STARTABLE = (Status.ACKNOWLEDGED, Status.ASSIGNED)
RESOLVABLE = (Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS)

ACKNOWLEDGE = Transition(
    "acknowledged",
    (Status.RECEIVED,),
    Status.ACKNOWLEDGED,
    EventKind.ACKNOWLEDGED,
    "acknowledged",
    to_status_if_assigned=Status.ASSIGNED,
)
ASSIGN = Transition("assigned", ASSIGNABLE, Status.ASSIGNED, EventKind.ASSIGNED, "assigned")
START = Transition("started", STARTABLE, Status.IN_PROGRESS, EventKind.STARTED, "started")
RESOLVE = Transition("resolved", RESOLVABLE, Status.RESOLVED, EventKind.RESOLVED, "resolved")
CLOSE = Transition("closed", (Status.RESOLVED,), Status.CLOSED, EventKind.CLOSED, "closed")
REJECT = Transition("rejected", OPEN_STATUSES, Status.REJECTED, EventKind.REJECTED, "rejected")
REFER = Transition("referred", OPEN_STATUSES, Status.REFERRED, EventKind.REFERRED, "referred")
MARK_DUPLICATE = Transition(
    "marked_duplicate", OPEN_STATUSES, Status.DUPLICATE, EventKind.DUPLICATE, "duplicate"
)
REOPEN = Transition(
    "reopened",
    (Status.RESOLVED,),
    Status.ACKNOWLEDGED,
    EventKind.REOPENED,
    "reopened",
    to_status_if_assigned=Status.IN_PROGRESS,
)
TRANSITIONS = (ACKNOWLEDGE, ASSIGN, START, RESOLVE, CLOSE, REJECT, REFER, MARK_DUPLICATE, REOPEN)
