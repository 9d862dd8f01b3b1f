"""Writes on complaints, by topic; import them from here: `from palabre.grievances import services`."""

from palabre.grievances.services.categories import categories_ensure_defaults
from palabre.grievances.services.citizen import (
    complaint_add_information,
    complaint_disagree,
    complaint_rate,
    tracking_lookup,
)
from palabre.grievances.services.common import normalize_code
from palabre.grievances.services.filing import (
    complaint_description_clean,
    complaint_file,
    complaint_support,
)
from palabre.grievances.services.handling import (
    ReporterIdentity,
    complaint_acknowledge,
    complaint_assign,
    complaint_close,
    complaint_mark_duplicate,
    complaint_note,
    complaint_reassign,
    complaint_refer,
    complaint_reject,
    complaint_resolve,
    complaint_reveal_identity,
    complaint_start,
    complaints_bulk_assign,
)
from palabre.grievances.services.settings import (
    category_add,
    category_set_active,
    category_update,
    response_template_delete,
    response_template_save,
)
from palabre.grievances.services.statistics import stats_mark_stale, stats_refresh, stats_refresh_stale
from palabre.grievances.services.sweeps import auto_close_sweep, escalation_sweep, rating_request_sweep
from palabre.grievances.services.transcription import complaint_transcribe

__all__ = [
    "ReporterIdentity",
    "auto_close_sweep",
    "categories_ensure_defaults",
    "category_add",
    "category_set_active",
    "category_update",
    "complaint_acknowledge",
    "complaint_add_information",
    "complaint_assign",
    "complaint_close",
    "complaint_description_clean",
    "complaint_disagree",
    "complaint_file",
    "complaint_mark_duplicate",
    "complaint_note",
    "complaint_rate",
    "complaint_reassign",
    "complaint_refer",
    "complaint_reject",
    "complaint_resolve",
    "complaint_reveal_identity",
    "complaint_start",
    "complaint_support",
    "complaint_transcribe",
    "complaints_bulk_assign",
    "escalation_sweep",
    "normalize_code",
    "rating_request_sweep",
    "response_template_delete",
    "response_template_save",
    "stats_mark_stale",
    "stats_refresh",
    "stats_refresh_stale",
    "tracking_lookup",
]
