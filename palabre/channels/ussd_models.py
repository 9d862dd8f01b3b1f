"""What the USSD menus keep: the state of each session (so it survives a server restart and can be resumed
after a network drop) and the optional profile a caller declares from "my profile".

Imported by `palabre/channels/models.py` (Django finds models in the app's models module)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.choices import AgeBand, Gender
from palabre.territory.fields import arrondissement_field


class UssdSession(models.Model):
    """One USSD session of a gateway while it runs: where the caller is in the menus (`state`, the
    engine's stack of screens, sealed: encrypted with a key the database does not hold), the commune and
    language it runs in, and a keyed digest of the last `text` handled (the gateway sends every answer since
    the start, `1*2*...`: the new answer is what follows it; the answers themselves are not kept).

    Found by the caller's keyed number hash. Deleted when the session ends, and by the sweep once its
    last step is older than the resume window: a session is never kept beyond it."""

    gateway = models.CharField(_("passerelle"), max_length=30)
    session_id = models.CharField(_("identifiant de session"), max_length=100)
    phone_key = models.CharField(_("empreinte du numéro"), max_length=64)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("langue"), max_length=8, blank=True)
    sealed_state = models.TextField(_("état des menus (chiffré)"), blank=True)
    depth = models.PositiveSmallIntegerField(_("profondeur dans les menus"), default=1)
    last_text_length = models.PositiveIntegerField(_("longueur du dernier texte reçu"), default=0)
    last_text_digest = models.CharField(_("empreinte du dernier texte reçu"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("dernière étape le"), default=timezone.now)

    class Meta:
        verbose_name = _("session USSD")
        verbose_name_plural = _("sessions USSD")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "session_id"], name="channels_ussd_session_unique"),
        ]
        indexes = [
            models.Index(fields=["phone_key", "updated_at"], name="channels_ussd_phone_idx"),
            models.Index(fields=["updated_at"], name="channels_ussd_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.session_id}"


class CallerProfile(models.Model):
    """Traits a caller chose to declare by phone (all optional, never published): they let the commune see
    who takes part (women, young people, each arrondissement). Deleted by "clear my profile". Found by the
    number's keyed hash: the number itself is not kept."""

    phone_key = models.CharField(_("empreinte du numéro"), max_length=64, unique=True)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=8, choices=AgeBand.choices, blank=True)
    arrondissement = arrondissement_field()
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil déclaré par téléphone")
        verbose_name_plural = _("profils déclarés par téléphone")

    def __str__(self) -> str:
        return self.phone_key[:8]
