"""What the USSD menus keep: the state of each session (so it survives a server restart and can be resumed
after a network drop) and the optional profile a caller declares from "my profile".

Imported by `palabre/channels/models.py` (Django finds models in the app's models module)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.choices import AgeBand, Gender


class UssdSession(models.Model):
    """One USSD session of a gateway: where the caller is in the menus (`state`, the engine's stack of
    screens), the commune and language it runs in, and the last `text` handled (the gateway sends every
    answer since the start, `1*2*...`: the new answer is what follows it)."""

    gateway = models.CharField(_("passerelle"), max_length=30)
    session_id = models.CharField(_("identifiant de session"), max_length=100)
    phone = models.CharField(_("numéro"), max_length=20)
    commune = models.ForeignKey(
        "territory.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("langue"), max_length=8, blank=True)
    state = models.JSONField(_("état des menus"), default=dict, blank=True)
    last_text = models.TextField(_("dernier texte reçu"), blank=True)
    is_finished = models.BooleanField(_("terminée"), default=False)
    started_at = models.DateTimeField(_("commencée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("dernière étape le"), default=timezone.now)

    class Meta:
        verbose_name = _("session USSD")
        verbose_name_plural = _("sessions USSD")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "session_id"], name="channels_ussd_session_unique"),
        ]
        indexes = [models.Index(fields=["phone", "updated_at"], name="channels_ussd_phone_idx")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.session_id}"


class CallerProfile(models.Model):
    """Traits a caller chose to declare by phone (all optional, never published): they let the commune see
    who takes part (women, young people, each arrondissement). Deleted by "clear my profile"."""

    phone = models.CharField(_("numéro"), max_length=20, unique=True)
    gender = models.CharField(_("genre"), max_length=1, choices=Gender.choices, blank=True)
    age_band = models.CharField(_("tranche d'âge"), max_length=8, choices=AgeBand.choices, blank=True)
    arrondissement = models.ForeignKey(
        "territory.Arrondissement",
        verbose_name=_("arrondissement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil déclaré par téléphone")
        verbose_name_plural = _("profils déclarés par téléphone")

    def __str__(self) -> str:
        return self.phone
