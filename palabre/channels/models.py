"""What the channels keep: every inbound request, per-phone settings, delivery reports, gateway credentials,
and the console gateway's demo "phone"."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundKind(models.TextChoices):
    USSD = "ussd", _("Étape USSD")
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Appel vocal")
    WHATSAPP = "whatsapp", _("Message WhatsApp")
    DELIVERY = "delivery", _("Accusé de réception")


class InboundQuerySet(models.QuerySet):
    def of_commune(self, commune):
        return self.filter(commune=commune)


class InboundMessage(models.Model):
    """One request a gateway sent us, stored BEFORE it is processed, and only what that needs.

    `dedupe_key` is a keyed hash of the gateway's own identifier of the request (Africa's Talking
    sessionId + text for a USSD step, the message id for an SMS, sessionId/CallSid for a voice callback,
    the wamid for WhatsApp): a retry of the same request finds this row and is not processed again. The
    identifier itself is not kept (a USSD one holds every answer typed, a complaint's description too).
    `phone_key` is the keyed hash of the sender's number (`palabre.core.keyed.phone_key`): it counts
    requests for the rate limits and lets staff block a number, without the number. The text, the
    payload and the reply are never stored. Rows are deleted after PALABRE_INBOUND_RETENTION_DAYS
    (`channels_sweep`).
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Reçu")
        PROCESSED = "processed", _("Traité")
        FAILED = "failed", _("Échec du traitement")
        BLOCKED = "blocked", _("Numéro bloqué")
        LIMITED = "limited", _("Trop de messages")
        TOO_LONG = "too_long", _("Message trop long")

    gateway = models.CharField(_("passerelle"), max_length=30)
    kind = models.CharField(_("nature"), max_length=10, choices=InboundKind.choices)
    dedupe_key = models.CharField(_("empreinte de la demande"), max_length=64)
    phone_key = models.CharField(_("empreinte du numéro"), max_length=64, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    processed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.CharField(_("erreur"), max_length=100, blank=True)

    objects = InboundQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("message entrant")
        verbose_name_plural = _("messages entrants")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "kind", "dedupe_key"], name="channels_inbound_unique_dedupe_key"
            ),
        ]
        indexes = [
            models.Index(fields=["phone_key", "kind", "received_at"], name="channels_inbound_phone_idx"),
            models.Index(fields=["commune", "received_at"], name="channels_inbound_commune_idx"),
            models.Index(fields=["received_at"], name="channels_inbound_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}/{self.kind} #{self.pk}"

    @property
    def is_final(self) -> bool:
        """Processed, or refused (blocked, rate-limited): a retry is not processed again."""
        return self.status not in (self.Status.RECEIVED, self.Status.FAILED)

    @property
    def pseudonym(self) -> str:
        """A short name for the sender that tells numbers apart on the staff page without revealing one."""
        return self.phone_key[:8]


class PhoneProfile(models.Model):
    """What we remember about a phone number across channels, whether or not its owner has an account:
    the language it chose, its commune, whether it said STOP, whether staff blocked it. Found by the
    number's keyed hash (`palabre.core.keyed.phone_key`): the number itself is not kept."""

    phone_key = models.CharField(_("empreinte du numéro"), max_length=64, unique=True)
    language = models.CharField(_("langue"), max_length=8, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opted_out_at = models.DateTimeField(_("désabonné le (STOP)"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("bloqué le"), null=True, blank=True)
    blocked_reason = models.CharField(_("motif du blocage"), max_length=200, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bloqué par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    blocked_in = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("bloqué par la commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil de numéro")
        verbose_name_plural = _("profils de numéros")
        indexes = [models.Index(fields=["blocked_in", "blocked_at"], name="channels_phone_blocked_idx")]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def pseudonym(self) -> str:
        return self.phone_key[:8]

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @property
    def is_opted_out(self) -> bool:
        return self.opted_out_at is not None


class DeliveryReport(models.Model):
    """The latest delivery status a gateway reported for one message we sent (keyed by the gateway's id,
    which the outbox stores in `OutboundMessage.gateway_message_id`)."""

    gateway = models.CharField(_("passerelle"), max_length=30)
    gateway_message_id = models.CharField(_("identifiant passerelle"), max_length=100)
    status = models.CharField(_("état"), max_length=30)
    failure_reason = models.CharField(_("raison de l'échec"), max_length=100, blank=True)
    is_delivered = models.BooleanField(_("remis"), default=False)
    is_final = models.BooleanField(_("définitif"), default=False)
    reported_at = models.DateTimeField(_("signalé le"), default=timezone.now)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("accusé de réception")
        verbose_name_plural = _("accusés de réception")
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "gateway_message_id"], name="channels_delivery_unique_message"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gateway_message_id}: {self.status}"


class GatewayCredential(models.Model):
    """The account a gateway uses, for one commune or (commune empty) the whole platform.

    Secrets are never shown back in full (only their last 4 characters). A secret field may hold
    `env:VARIABLE_NAME` instead of the value: the secret is then read from that environment variable.
    Meaning of the fields per gateway: Africa's Talking: username, secret = API key, sender = short code or
    sender id; Twilio: username = Account SID, secret = auth token (also signs webhooks), sender = number;
    WhatsApp Cloud: username = phone number id, secret = access token, signing_secret = app secret,
    webhook_token = the verify token of the subscription handshake.
    """

    class Gateway(models.TextChoices):
        AFRICASTALKING = "africastalking", "Africa's Talking"
        TWILIO = "twilio", "Twilio"
        WHATSAPP = "whatsapp", "WhatsApp Cloud API"

    gateway = models.CharField(_("passerelle"), max_length=30, choices=Gateway.choices)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : valable pour toute la plateforme."),
    )
    username = models.CharField(_("identifiant du compte"), max_length=120, blank=True)
    sender = models.CharField(_("expéditeur"), max_length=40, blank=True)
    secret = models.CharField(_("clé secrète"), max_length=300, blank=True)
    signing_secret = models.CharField(_("secret de signature"), max_length=300, blank=True)
    webhook_token = models.CharField(_("jeton de vérification"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("accès à une passerelle")
        verbose_name_plural = _("accès aux passerelles")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "commune"], name="channels_credential_per_commune"),
            models.UniqueConstraint(
                fields=["gateway"],
                condition=models.Q(commune__isnull=True),
                name="channels_credential_platform_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_gateway_display()} · {self.commune or _('plateforme')}"


class ConsoleMessage(models.Model):
    """An SMS "sent" by the console gateway (demo and development only): what the recipient would read."""

    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    to = models.CharField(_("destinataire"), max_length=20)
    body = models.TextField(_("texte"))
    reference = models.CharField(_("référence"), max_length=40, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("SMS de démonstration")
        verbose_name_plural = _("SMS de démonstration")

    def __str__(self) -> str:
        return f"{self.to}: {self.body[:30]}"


from palabre.channels.sms_models import BulkCampaign, BulkRecipient, SmsSubscription  # noqa: E402, F401
from palabre.channels.ussd_models import CallerProfile, UssdSession  # noqa: E402, F401
from palabre.channels.voice_models import VoiceCall, VoicePrompt  # noqa: E402, F401
