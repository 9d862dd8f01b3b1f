"""The shared kernel's records: the audit log, the participation ledger, the SMS outbox and the failed
code guesses.

Core imports no other palabre app, so communes, users and actors are kept as plain indexed ids.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.choices import AgeBand, Channel, Gender


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AuditScheme(models.IntegerChoices):
    """How an event's `hash` was computed (palabre/core/audit.py)."""

    SHA256 = 1, _("SHA-256 sans clé (avant la clé d'audit)")
    HMAC_SHA256 = 2, _("HMAC-SHA256 avec la clé d'audit")


class AuditEvent(models.Model):
    """One state change made by staff or the system, chained to the previous event by a keyed hash.

    `scheme` says how `hash` was computed: events recorded before the chain was keyed keep their
    unkeyed SHA-256 (they are sealed by the keyed event that follows them, see core/audit.py)."""

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor_id = models.BigIntegerField(_("auteur"), null=True, blank=True, db_index=True)
    commune_id = models.BigIntegerField(_("commune"), null=True, blank=True, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    target_id = models.CharField(_("identifiant d'objet"), max_length=64, blank=True)
    data = models.JSONField(_("détails"), default=dict, blank=True)
    prev_hash = models.CharField(_("empreinte précédente"), max_length=64, unique=True)
    hash = models.CharField(_("empreinte"), max_length=64, unique=True)
    scheme = models.PositiveSmallIntegerField(
        _("calcul de l'empreinte"), choices=AuditScheme.choices, default=AuditScheme.HMAC_SHA256
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("événement du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("An audit event cannot be changed.")
        if self.pk is None:  # ids follow the chain (previous + 1), never a sequence: see core/audit.py
            raise AppendOnlyError("Audit events are written by audit_record only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("An audit event cannot be deleted.")


class ParticipationAct(models.Model):
    """One act of participation, in any module, on any channel, with the participant's declared traits."""

    commune_id = models.BigIntegerField(_("commune"))
    module = models.CharField(_("module"), max_length=40)
    kind = models.CharField(_("nature"), max_length=60)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    user_id = models.BigIntegerField(_("participant"), null=True, blank=True, db_index=True)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=5, choices=AgeBand.choices, blank=True)
    arrondissement_id = models.BigIntegerField(_("arrondissement"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("acte de participation")
        verbose_name_plural = _("actes de participation")
        indexes = [
            models.Index(fields=["commune_id", "occurred_at"], name="core_partic_commune_time_idx"),
            models.Index(fields=["commune_id", "module", "occurred_at"], name="core_partic_module_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.channel})"


class OutboundMessage(models.Model):
    """One SMS waiting to be sent, being sent, sent or given up on."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    to = models.CharField(_("destinataire"), max_length=20, db_index=True)
    body = models.TextField(_("texte"))
    kind = models.CharField(_("nature"), max_length=40)
    commune_id = models.BigIntegerField(_("commune"), null=True, blank=True, db_index=True)
    idempotency_key = models.CharField(_("clé d'unicité"), max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    gateway_message_id = models.CharField(_("identifiant passerelle"), max_length=100, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    redacted_at = models.DateTimeField(_("effacé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("SMS sortant")
        verbose_name_plural = _("SMS sortants")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_outbox_status_next_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.status})"


class CodeGuessFailure(models.Model):
    """A code typed by a visitor that matched nothing (a complaint tracking code, a ballot receipt...),
    counted per scope and hashed address to slow down guessing. See palabre.core.guesses."""

    scope = models.CharField(_("usage"), max_length=60)
    ip_hash = models.CharField(_("adresse (empreinte)"), max_length=64)
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("code inconnu essayé")
        verbose_name_plural = _("codes inconnus essayés")
        indexes = [
            models.Index(fields=["scope", "ip_hash", "created_at"], name="core_guess_scope_ip_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} · {self.ip_hash[:8]} · {self.created_at:%Y-%m-%d %H:%M}"
