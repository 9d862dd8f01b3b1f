"""Participatory budgeting: cycles, envelopes, proposals (ideas), ballots kept apart from voters, paper
batches entered twice, published results and the follow-up of selected projects.

Ballot secrecy: a `Ballot` has no link to who cast it (random UUID key, day only, no channel); the
`VoterRecord` says that a phone voted in an envelope, through a keyed hash of the number, and the database
refuses a second record for the same envelope and phone. Both rows are written in one transaction, so a
ballot exists exactly when its voter record does; the ballots are then rewritten in shuffled batches
(services/voting.py `ballots_mix`) so that their row order says nothing of who voted when. Every write
lives in services/; phases in phases.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.budgeting.tally import RULES
from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.validators import validate_photo
from palabre.territory.fields import arrondissement_field, village_field


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("Approbation (un nombre maximum de projets)")
    KNAPSACK = "knapsack", _("Panier (le coût total des projets choisis tient dans l'enveloppe)")
    CUMULATIVE = "cumulative", _("Points à répartir entre les projets")


# The rules a cycle may publish its results with (names of the tally engine), with plain-words labels.
TALLY_RULE_LABELS = {
    "greedy": _("Les projets les plus soutenus d'abord, tant que l'argent suffit"),
    "greedy-cost": _("Les projets qui ont le plus de voix par franc dépensé d'abord"),
    "mes": _("Parts égales : chaque votant dispose d'une part égale de l'enveloppe"),
    "mes-cardinality": _("Parts égales, en comptant les projets plutôt que leur coût"),
    "mes-complete": _("Parts égales, puis le reste de l'enveloppe aux projets les plus soutenus"),
}
assert set(TALLY_RULE_LABELS) <= set(RULES), "every cycle rule must be a tally engine rule"


class CycleQuerySet(models.QuerySet):
    def of_commune(self, commune):
        return self.filter(commune=commune)

    def published(self):
        return self.filter(is_published=True)


class Cycle(models.Model):
    """One participatory budget of a commune (usually one a year, tied to the annual investment plan).

    The phase dates are the first day of each phase; the phase of a day is computed in phases.py."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("titre"), max_length=150)
    year = models.PositiveSmallIntegerField(_("année"))
    description = models.TextField(_("présentation"), blank=True)
    is_published = models.BooleanField(_("visible du public"), default=False)
    information_on = models.DateField(_("début de l'information"))
    ideas_on = models.DateField(_("début du dépôt des idées"))
    review_on = models.DateField(_("début de l'examen technique"))
    voting_on = models.DateField(_("début du vote"))
    results_on = models.DateField(_("publication des résultats"))
    follow_up_on = models.DateField(_("début du suivi des projets"))
    ballot_kind = models.CharField(
        _("mode de vote"), max_length=12, choices=BallotKind.choices, default=BallotKind.APPROVAL
    )
    max_projects = models.PositiveSmallIntegerField(
        _("nombre maximum de projets par bulletin"), null=True, blank=True
    )
    points_per_voter = models.PositiveSmallIntegerField(
        _("points à répartir par votant"), null=True, blank=True
    )
    tally_rule = models.CharField(
        _("règle de calcul des résultats"),
        max_length=20,
        choices=list(TALLY_RULE_LABELS.items()),
        default="mes-complete",
    )
    minimum_age = models.PositiveSmallIntegerField(_("âge minimum pour voter"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("résultats publiés le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-voting_on"]
        verbose_name = _("budget participatif")
        verbose_name_plural = _("budgets participatifs")
        constraints = [
            models.CheckConstraint(
                condition=Q(information_on__lte=models.F("ideas_on"))
                & Q(ideas_on__lte=models.F("review_on"))
                & Q(review_on__lte=models.F("voting_on"))
                & Q(voting_on__lt=models.F("results_on"))
                & Q(results_on__lte=models.F("follow_up_on")),
                name="budgeting_cycle_phases_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Envelope(models.Model):
    """Money voters share out: the commune-wide envelope (no arrondissement) or one arrondissement's."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="envelopes"
    )
    arrondissement = arrondissement_field()
    amount = models.PositiveBigIntegerField(_("montant (FCFA)"))

    class Meta:
        ordering = ["cycle", "arrondissement__name"]
        verbose_name = _("enveloppe")
        verbose_name_plural = _("enveloppes")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "arrondissement"], name="budgeting_envelope_one_per_arrondissement"
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(arrondissement__isnull=True),
                name="budgeting_envelope_one_commune_wide",
            ),
        ]

    def __str__(self) -> str:
        return self.arrondissement.name if self.arrondissement_id else str(_("Toute la commune"))

    @property
    def is_commune_wide(self) -> bool:
        return self.arrondissement_id is None


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("En attente d'examen")
    FEASIBLE = "feasible", _("Retenue pour le vote")
    INFEASIBLE = "infeasible", _("Non réalisable")
    MERGED = "merged", _("Fusionnée avec une autre idée")
    WITHDRAWN = "withdrawn", _("Retirée")


class ProposalQuerySet(models.QuerySet):
    def of_commune(self, commune):
        return self.filter(commune=commune)

    def on_ballot(self):
        """The proposals voters choose from: feasible, with an estimated cost and an envelope."""
        return self.filter(
            status=ProposalStatus.FEASIBLE, estimated_cost__isnull=False, envelope__isnull=False
        )


class Proposal(models.Model):
    """An idea a resident proposed; after technical review, a project on the ballot (by its number)."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="proposals"
    )
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=120)
    description = models.TextField(_("description"))
    arrondissement = arrondissement_field()
    village = village_field()
    photo = models.FileField(
        _("photo"), upload_to="budgeting/%Y/%m/", blank=True, validators=[validate_photo]
    )
    rough_cost = models.PositiveBigIntegerField(_("coût estimé par l'auteur (FCFA)"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("nom de l'auteur"), max_length=120, blank=True)
    author_phone = models.CharField(
        _("téléphone de l'auteur"),
        max_length=20,
        blank=True,
        help_text=_(
            "Seulement pour un auteur sans compte (USSD, SMS, formulaire papier) : sert aux SMS sur son "
            "idée, jamais affiché, effacé quand les résultats sont calculés."
        ),
    )
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    created_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    status = models.CharField(
        _("état"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    envelope = models.ForeignKey(
        Envelope,
        verbose_name=_("enveloppe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    estimated_cost = models.PositiveBigIntegerField(
        _("coût estimé par les services (FCFA)"), null=True, blank=True
    )
    review_reason = models.TextField(_("avis des services techniques"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("fusionnée dans"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    reviewed_at = models.DateTimeField(_("examinée le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examinée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_selected = models.BooleanField(_("retenue par le vote"), default=False)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "number"]
        verbose_name = _("idée de projet")
        verbose_name_plural = _("idées de projet")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="budgeting_proposal_unique_number"),
        ]
        indexes = [models.Index(fields=["cycle", "status"], name="budgeting_proposal_status_idx")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def cost(self) -> int | None:
        """What the project costs on the ballot: the services' estimate."""
        return self.estimated_cost


class VoterRecord(models.Model):
    """That one phone voted in one envelope: never what it voted. The database allows one per envelope.

    `voter_key` is a keyed hash of the E.164 number (services/voters.py), so the list of voters does not
    hold phone numbers. The declared traits are copied for turnout statistics; the day only is kept (no
    time that could be set against the ballots)."""

    envelope = models.ForeignKey(
        Envelope, verbose_name=_("enveloppe"), on_delete=models.CASCADE, related_name="+"
    )
    voter_key = models.CharField(_("empreinte du votant"), max_length=64)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    voted_on = models.DateField(_("a voté le"), default=timezone.localdate)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=5, choices=AgeBand.choices, blank=True)
    arrondissement = arrondissement_field()

    class Meta:
        verbose_name = _("émargement")
        verbose_name_plural = _("émargements")
        constraints = [
            models.UniqueConstraint(fields=["envelope", "voter_key"], name="budgeting_one_ballot_per_voter"),
        ]

    def __str__(self) -> str:
        return f"{self.envelope_id}/{self.voter_key[:8]}"


class Ballot(models.Model):
    """What one voter chose in one envelope, with no link to the voter (see the module docstring).

    `proposal_numbers` in ascending order (never the voter's order, which could mark a ballot); `points`
    (cumulative ballots) one value per proposal, aligned with the numbers, else null. `receipt_hash` is the
    keyed hash of the receipt code the voter was given, to check it was counted. `mixed`: the ballot was
    rewritten in a shuffled batch (services/voting.py `ballots_mix`); until then it sits in the order it
    was written."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    envelope = models.ForeignKey(
        Envelope, verbose_name=_("enveloppe"), on_delete=models.CASCADE, related_name="ballots"
    )
    proposal_numbers = models.JSONField(_("numéros des projets choisis"))
    points = models.JSONField(_("points"), null=True, blank=True)
    cast_on = models.DateField(_("jour du vote"), default=timezone.localdate)
    receipt_hash = models.CharField(_("empreinte du reçu"), max_length=64, unique=True)
    mixed = models.BooleanField(_("mélangé"), default=False)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        indexes = [models.Index(fields=["envelope", "mixed", "id"], name="budgeting_ballot_mixing_idx")]

    def __str__(self) -> str:
        return str(self.id)


class PaperBatchStatus(models.TextChoices):
    FIRST_ENTRY = "first_entry", _("Première saisie en cours")
    SECOND_ENTRY = "second_entry", _("En attente de la seconde saisie")
    MISMATCHED = "mismatched", _("Écarts entre les deux saisies")
    RECONCILED = "reconciled", _("Rapproché et compté")


class PaperBatch(models.Model):
    """The paper ballots of one polling point, typed by one officer and typed again by another."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="paper_batches"
    )
    envelope = models.ForeignKey(
        Envelope, verbose_name=_("enveloppe"), on_delete=models.PROTECT, related_name="+"
    )
    polling_point = models.CharField(_("bureau de vote"), max_length=120)
    declared_count = models.PositiveIntegerField(_("nombre de bulletins du lot"))
    status = models.CharField(
        _("état"), max_length=14, choices=PaperBatchStatus.choices, default=PaperBatchStatus.FIRST_ENTRY
    )
    first_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("première saisie par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    second_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seconde saisie par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    reconciled_at = models.DateTimeField(_("rapproché le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lot de bulletins papier")
        verbose_name_plural = _("lots de bulletins papier")

    def __str__(self) -> str:
        return self.polling_point


class PaperEntryOutcome(models.TextChoices):
    PENDING = "pending", _("En attente")
    COUNTED = "counted", _("Compté")
    ALREADY_VOTED = "already_voted", _("Refusé : a déjà voté")
    INVALID = "invalid", _("Refusé : bulletin non valable")


class PaperEntry(models.Model):
    """One paper ballot as one officer typed it (round 1 or 2). The phone is erased once reconciled."""

    batch = models.ForeignKey(
        PaperBatch, verbose_name=_("lot"), on_delete=models.CASCADE, related_name="entries"
    )
    round = models.PositiveSmallIntegerField(_("saisie"), choices=[(1, _("Première")), (2, _("Seconde"))])
    position = models.PositiveIntegerField(_("rang dans le lot"))
    voter_phone = models.CharField(_("téléphone du votant"), max_length=20, blank=True)
    voter_key = models.CharField(_("empreinte du votant"), max_length=64)
    proposal_numbers = models.JSONField(_("numéros des projets cochés"))
    points = models.JSONField(_("points"), null=True, blank=True)
    outcome = models.CharField(
        _("résultat"), max_length=14, choices=PaperEntryOutcome.choices, default=PaperEntryOutcome.PENDING
    )

    class Meta:
        ordering = ["batch", "round", "position"]
        verbose_name = _("saisie de bulletin papier")
        verbose_name_plural = _("saisies de bulletins papier")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "round", "position"], name="budgeting_paper_entry_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.round}/{self.position}"


class Result(models.Model):
    """The computed outcome of one envelope under the cycle's rule, kept as published."""

    envelope = models.OneToOneField(
        Envelope, verbose_name=_("enveloppe"), on_delete=models.CASCADE, related_name="result"
    )
    rule = models.CharField(_("règle"), max_length=20)
    selected_numbers = models.JSONField(_("projets retenus, dans l'ordre de sélection"))
    greedy_selected_numbers = models.JSONField(_("projets que la règle « les plus soutenus » aurait retenus"))
    budget_used = models.PositiveBigIntegerField(_("montant engagé (FCFA)"))
    ballot_count = models.PositiveIntegerField(_("nombre de bulletins"))
    votes = models.JSONField(_("voix (ou points) par projet"))
    computed_at = models.DateTimeField(_("calculé le"), default=timezone.now)

    class Meta:
        verbose_name = _("résultat")
        verbose_name_plural = _("résultats")

    def __str__(self) -> str:
        return f"{self.envelope} ({self.rule})"


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PROGRESS = "in_progress", _("En cours de réalisation")
    DONE = "done", _("Réalisé")
    STALLED = "stalled", _("À l'arrêt")


class ProjectUpdate(models.Model):
    """A step in the realisation of a selected project, published on its follow-up page."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("projet"), on_delete=models.CASCADE, related_name="updates"
    )
    status = models.CharField(_("état"), max_length=12, choices=FollowUpStatus.choices)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    spent = models.PositiveBigIntegerField(_("dépensé à ce jour (FCFA)"), null=True, blank=True)
    note = models.TextField(_("ce qui a été fait"), blank=True)
    photo = models.FileField(
        _("photo"), upload_to="budgeting/followup/%Y/%m/", blank=True, validators=[validate_photo]
    )
    created_at = models.DateTimeField(_("publié le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publié par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suivi de projet")
        verbose_name_plural = _("suivis de projet")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="budgeting_update_progress_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.get_status_display()}"
