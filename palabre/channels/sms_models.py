"""SMS subscriptions and bulk notifications (imported at the end of channels/models.py).

A subscription is a phone number that asked (keyword START) to receive a commune's announcements, for one
arrondissement or the whole commune. A bulk campaign is one announcement sent by staff: prepared (its
segments, encoding, recipients and cost shown), then confirmed and sent by a throttled task; each
recipient is one row, so a send interrupted halfway resumes without sending anything twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.territory.fields import arrondissement_field


class SmsSubscription(models.Model):
    """A phone number receiving a commune's announcements (arrondissement empty: the whole commune)."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    arrondissement = arrondissement_field()
    phone = models.CharField(_("téléphone"), max_length=20)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    created_at = models.DateTimeField(_("abonné le"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("abonnement SMS")
        verbose_name_plural = _("abonnements SMS")
        constraints = [
            models.UniqueConstraint(fields=["commune", "phone"], name="channels_sms_subscription_unique"),
        ]
        indexes = [models.Index(fields=["commune", "arrondissement"], name="channels_sms_sub_area_idx")]

    def __str__(self) -> str:
        return f"{self.commune_id} · {self.phone}"


class BulkCampaign(models.Model):
    """One announcement sent by SMS to the subscribers of a commune or one of its arrondissements."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SENDING = "sending", _("Envoi en cours")
        SENT = "sent", _("Envoyée")
        CANCELLED = "cancelled", _("Annulée")

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    arrondissement = arrondissement_field(help_text=_("Vide : tous les abonnés de la commune."))
    language = models.CharField(_("langue des destinataires"), max_length=8, blank=True)
    message = models.TextField(_("message"))
    # What each recipient receives: the message and the line saying how to unsubscribe.
    body = models.TextField(_("texte envoyé"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    encoding = models.CharField(_("codage"), max_length=4)
    segments = models.PositiveSmallIntegerField(_("segments par SMS"))
    recipients_count = models.PositiveIntegerField(_("destinataires"), default=0)
    price_per_segment = models.DecimalField(_("prix d'un segment (FCFA)"), max_digits=8, decimal_places=2)
    estimated_cost = models.DecimalField(_("coût estimé (FCFA)"), max_digits=12, decimal_places=2)
    queued_count = models.PositiveIntegerField(_("SMS mis en file"), default=0)
    skipped_count = models.PositiveIntegerField(_("désabonnés écartés"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("préparée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("préparée le"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("envoi confirmé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("envoi terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("annonce par SMS")
        verbose_name_plural = _("annonces par SMS")
        indexes = [models.Index(fields=["commune", "-created_at"], name="channels_bulk_commune_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.body[:30]}"


class BulkRecipient(models.Model):
    """One phone number of a campaign, fixed when staff confirm the send."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        QUEUED = "queued", _("Mis en file d'envoi")
        SKIPPED = "skipped", _("Écarté (désabonné)")

    campaign = models.ForeignKey(BulkCampaign, on_delete=models.CASCADE, related_name="recipients")
    phone = models.CharField(_("téléphone"), max_length=20)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    outbound_message_id = models.BigIntegerField(_("SMS sortant"), null=True, blank=True)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    class Meta:
        verbose_name = _("destinataire d'annonce")
        verbose_name_plural = _("destinataires d'annonce")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phone"], name="channels_bulk_recipient_unique"),
        ]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="channels_bulk_pending_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.phone}"
