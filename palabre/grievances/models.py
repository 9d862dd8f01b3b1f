"""Complaints (plaintes): categories per commune, the complaint and its timeline, supporters.

The status machine, deadlines, escalation and every write live in services.py; reads across models in
queries.py. See docs/grievances.md for the design.
"""

import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.validators import validate_photo, validate_voice_recording
from palabre.territory.fields import arrondissement_field, village_field

# Default categories of every commune: (code, French name, is_sensitive). Names are stored in the database
# (a commune may rename them or add its own); while a default keeps its shipped name, `label` translates it.
DEFAULT_CATEGORIES = [
    ("water", gettext_noop("Eau potable"), False),
    ("roads", gettext_noop("Routes et pistes"), False),
    ("sanitation", gettext_noop("Assainissement et déchets"), False),
    ("markets", gettext_noop("Marchés"), False),
    ("health", gettext_noop("Santé"), False),
    ("schools", gettext_noop("Écoles"), False),
    ("civil_status", gettext_noop("État civil"), False),
    ("land", gettext_noop("Foncier"), False),
    ("electricity", gettext_noop("Électricité et éclairage public"), False),
    ("security", gettext_noop("Sécurité"), False),
    ("corruption", gettext_noop("Corruption"), True),
    ("gbv", gettext_noop("Violences basées sur le genre"), True),
    ("other", gettext_noop("Autre"), False),
]
DEFAULT_NAMES = {code: name for code, name, _sensitive in DEFAULT_CATEGORIES}


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normale")
    URGENT = "urgent", _("Urgente (délais divisés par deux)")


class Status(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    ACKNOWLEDGED = "acknowledged", _("Accusé de réception")
    ASSIGNED = "assigned", _("Confiée à un agent")
    IN_PROGRESS = "in_progress", _("En traitement")
    RESOLVED = "resolved", _("Résolue")
    CLOSED = "closed", _("Clôturée")
    REJECTED = "rejected", _("Rejetée")
    REFERRED = "referred", _("Transmise à un autre service")
    DUPLICATE = "duplicate", _("Doublon")


# Still waiting for the commune: these statuses run the deadline clock and can escalate.
OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS)
# Finished for good (a resolved complaint may still be reopened by its reporter).
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.REFERRED, Status.DUPLICATE)


class EscalationLevel(models.IntegerChoices):
    SERVICE_HEAD = 0, _("Chef du service")
    SECRETARY_GENERAL = 1, _("Secrétaire général")
    MAYOR = 2, _("Maire")


class Category(models.Model):
    """What a complaint is about, per commune, with its responsible service and its deadlines."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_sensitive = models.BooleanField(
        _("sensible"),
        default=False,
        help_text=_("Traitée seulement par les points focaux, jamais publiée (violences, corruption)."),
    )
    ack_working_days = models.PositiveSmallIntegerField(
        _("délai d'accusé de réception (jours ouvrés)"), default=2
    )
    resolve_working_days = models.PositiveSmallIntegerField(
        _("délai de résolution (jours ouvrés)"), default=15
    )
    responsible_service = models.CharField(_("service responsable"), max_length=120, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chef du service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    default_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent désigné par défaut"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("catégorie de plainte")
        verbose_name_plural = _("catégories de plainte")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="grievances_category_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language while it is the shipped default, else the commune's name."""
        if DEFAULT_NAMES.get(self.code) == self.name:
            return gettext(self.name)
        return self.name


class ResponseTemplate(models.Model):
    """A ready answer officers start from when they reply to a complaint of a category."""

    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), on_delete=models.CASCADE, related_name="response_templates"
    )
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("modèle de réponse")
        verbose_name_plural = _("modèles de réponse")

    def __str__(self) -> str:
        return self.title


class ComplaintQuerySet(models.QuerySet):
    def of_commune(self, commune):
        return self.filter(commune=commune)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self):
        return self.filter(is_overdue=True)

    def public(self):
        """What anyone may see: never a sensitive complaint."""
        return self.filter(is_sensitive=False)


class Complaint(models.Model):
    """One complaint, from filing to closing. Anonymous: no name, phone or user is stored at all."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code de suivi"), max_length=12, unique=True)
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), on_delete=models.PROTECT, related_name="complaints"
    )
    is_sensitive = models.BooleanField(_("sensible"), default=False, editable=False)
    severity = models.CharField(
        _("gravité"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    status = models.CharField(_("état"), max_length=16, choices=Status.choices, default=Status.RECEIVED)

    arrondissement = arrondissement_field()
    village = village_field()
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    place_description = models.CharField(_("précisions sur le lieu"), max_length=300, blank=True)
    description = models.TextField(_("ce qui s'est passé"))
    photo = models.FileField(
        _("photo"), upload_to="grievances/photos/%Y/%m/", blank=True, validators=[validate_photo]
    )
    voice_recording = models.FileField(
        _("message vocal"),
        upload_to="grievances/voice/%Y/%m/",
        blank=True,
        validators=[validate_voice_recording],
    )

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte du plaignant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reporter_name = models.CharField(_("nom du plaignant"), max_length=120, blank=True)
    reporter_phone = PhoneNumberField(_("téléphone du plaignant"), blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    is_anonymous = models.BooleanField(_("anonyme"), default=False)
    name_public = models.BooleanField(_("nom affiché publiquement"), default=False)
    reporter_gender = models.CharField(_("genre déclaré"), max_length=1, choices=Gender.choices, blank=True)
    reporter_age_band = models.CharField(
        _("tranche d'âge déclarée"), max_length=5, choices=AgeBand.choices, blank=True
    )
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices, default=Channel.WEB)

    created_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("accusé de réception le"), null=True, blank=True)
    ack_due_on = models.DateField(_("accusé de réception attendu le"))
    resolve_due_on = models.DateField(_("résolution attendue le"))
    resolved_at = models.DateTimeField(_("résolue le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("état changé le"), default=timezone.now)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent chargé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("niveau d'escalade"), choices=EscalationLevel.choices, default=EscalationLevel.SERVICE_HEAD
    )
    # The date after which the sweep escalates one more level (None: nothing more to escalate).
    escalation_due_on = models.DateField(_("prochaine escalade après le"), null=True, blank=True)
    is_overdue = models.BooleanField(_("en retard"), default=False)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("doublon de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    referred_to = models.CharField(_("transmise à"), max_length=200, blank=True)
    rejection_reason = models.TextField(_("motif du rejet"), blank=True)
    rating = models.PositiveSmallIntegerField(_("note du citoyen (1 à 5)"), null=True, blank=True)
    rating_requested_at = models.DateTimeField(_("note demandée le"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("réouvertures"), default=0)
    supporters_count = models.PositiveIntegerField(_("soutiens"), default=0)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("plainte")
        verbose_name_plural = _("plaintes")
        indexes = [
            # Officer queue, default view: open complaints, overdue first, oldest first.
            models.Index(
                fields=["commune", "-is_overdue", "created_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="grv_queue_open_idx",
            ),
            # Officer queue filtered by one status; statistics over a period.
            models.Index(fields=["commune", "status", "created_at"], name="grv_commune_status_idx"),
            models.Index(fields=["commune", "created_at"], name="grv_commune_created_idx"),
            # Public list: non-sensitive complaints, newest first.
            models.Index(
                fields=["commune", "-created_at"], condition=Q(is_sensitive=False), name="grv_public_idx"
            ),
            # "Me too" suggestions: open complaints of a category in a village.
            models.Index(
                fields=["category", "village"], condition=Q(status__in=OPEN_STATUSES), name="grv_similar_idx"
            ),
            # Sweeps: escalation of open complaints; rating requests and auto-close of resolved ones.
            models.Index(
                fields=["escalation_due_on"], condition=Q(status__in=OPEN_STATUSES), name="grv_escalation_idx"
            ),
            models.Index(fields=["status", "resolved_at"], name="grv_status_resolved_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="grv_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False)
                | Q(reporter__isnull=True, reporter_name="", reporter_phone="", name_public=False),
                name="grv_anonymous_has_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def public_name(self) -> str:
        """The reporter's name where the public may read it (opted in, not sensitive), else ""."""
        if self.is_sensitive or self.is_anonymous or not self.name_public:
            return ""
        return self.reporter_name


class EventKind(models.TextChoices):
    FILED = "filed", _("Plainte déposée")
    ACKNOWLEDGED = "acknowledged", _("Accusé de réception")
    ASSIGNED = "assigned", _("Confiée à un agent")
    REASSIGNED = "reassigned", _("Confiée à un autre agent")
    STARTED = "started", _("Traitement commencé")
    RESOLVED = "resolved", _("Résolue")
    CLOSED = "closed", _("Clôturée")
    REJECTED = "rejected", _("Rejetée")
    REFERRED = "referred", _("Transmise à un autre service")
    DUPLICATE = "duplicate", _("Marquée comme doublon")
    REOPENED = "reopened", _("Rouverte à la demande du citoyen")
    INFORMATION = "information", _("Informations ajoutées par le citoyen")
    NOTE = "note", _("Note interne")
    ESCALATED = "escalated", _("Escaladée")
    RATED = "rated", _("Notée par le citoyen")


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline. `message` is public text; `note` is for staff only."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    # The complaint's commune, copied by `add_event` (a complaint never changes commune): the Open311
    # updates of a commune are found through `grv_event_commune_idx` without reading each complaint.
    # No index of its own: the partial index starts with it, and nothing else looks events up by commune.
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("nature"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("état avant"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("état après"), max_length=16, choices=Status.choices, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    message = models.TextField(_("message public"), blank=True)
    note = models.TextField(_("note interne"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("événement de plainte")
        verbose_name_plural = _("historique des plaintes")
        indexes = [
            models.Index(fields=["complaint", "created_at"], name="grv_event_timeline_idx"),
            # Open311 servicerequestupdates: a commune's public events of a time window.
            models.Index(
                fields=["commune", "created_at"], condition=Q(is_public=True), name="grv_event_commune_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.kind}"


class ComplaintSupport(models.Model):
    """ "Me too": one person (account or phone) supporting a complaint instead of filing a duplicate."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone = PhoneNumberField(_("téléphone"), blank=True)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "user"], condition=Q(user__isnull=False), name="grv_support_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["complaint", "phone"], condition=~Q(phone=""), name="grv_support_one_per_phone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.pk}"


class ComplaintStatsSnapshot(models.Model):
    """A commune's complaint statistics, computed by `commune_statistics` and read by the public page in
    one query. `stale_since` is set (once) by the first complaint change after the last computation: a
    refresh is then pending, and later changes do not queue another one."""

    commune = models.OneToOneField(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    data = models.JSONField(_("statistiques"), encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField(_("calculées le"))
    stale_since = models.DateTimeField(_("périmées depuis"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistiques des plaintes d'une commune")
        verbose_name_plural = _("statistiques des plaintes des communes")

    def __str__(self) -> str:
        return f"{self.commune_id} · {self.computed_at:%Y-%m-%d %H:%M}"

    @property
    def statistics(self) -> dict:
        """`data` as `commune_statistics` returned it: the months of `by_month` back to dates."""
        months = [
            {**row, "group": datetime.date.fromisoformat(row["group"][:10]) if row["group"] else None}
            for row in self.data["by_month"]
        ]
        return {**self.data, "by_month": months}


from palabre.grievances.open311.models import Open311ApiKey  # noqa: E402, F401
