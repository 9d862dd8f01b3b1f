"""The kernel's reads: audit chain verification, participation statistics."""

from palabre.core.audit import AuditVerification, audit_verify
from palabre.core.ledger import BREAKDOWN_DIMENSIONS, participation_breakdown

__all__ = ["BREAKDOWN_DIMENSIONS", "AuditVerification", "audit_verify", "participation_breakdown"]
