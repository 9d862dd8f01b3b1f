"""Follow-up of the projects the vote selected: the commune publishes each step of their realisation
(status, progress, money spent, a photo), shown on the project's public follow-up page.

The PDC module (plans/) will later take these projects over as actions of the annual investment plan; until
then this is where their progress is kept.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from palabre.accounts.models import User
from palabre.budgeting.models import FollowUpStatus, ProjectUpdate, Proposal
from palabre.core.audit import audit_record


def project_update_add(
    *,
    proposal: Proposal,
    status: str,
    progress: int,
    spent: int | None = None,
    note: str = "",
    photo: UploadedFile | None = None,
    by: User,
) -> ProjectUpdate:
    """Publish one step of a selected project. Only projects the published vote selected have a follow-up:
    anything else would be shown to citizens as if they had chosen it."""
    if not proposal.is_selected or proposal.cycle.results_published_at is None:
        raise ValidationError(
            _("Seuls les projets retenus par le vote, une fois les résultats publiés, ont un suivi.")
        )
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": _("Choisissez un état de la liste.")})
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("L'avancement est un pourcentage, entre 0 et 100.")})
    if status == FollowUpStatus.DONE and progress != 100:
        raise ValidationError({"progress": _("Un projet réalisé est avancé à 100 %.")})
    with transaction.atomic():
        update = ProjectUpdate.objects.create(
            proposal=proposal,
            status=status,
            progress=progress,
            spent=spent,
            note=note,
            photo=photo or "",
            created_by=by,
        )
        audit_record(
            action="budgeting.project_updated",
            actor_id=by.pk,
            commune_id=proposal.commune_id,
            target=proposal,
            data={"update": update.pk, "status": status, "progress": progress, "spent": spent},
        )
    return update
