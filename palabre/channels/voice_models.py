"""What the voice channel keeps: the audio prompts each commune uploads per language, and each call (or
WhatsApp voice note) with where it is in the voice menu and what became of its recording.

Imported by `palabre/channels/models.py` (Django finds models in the app's models module)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PromptKey(models.TextChoices):
    """The moments of a call where a prompt is played (each has a French text-to-speech fallback)."""

    WELCOME = "welcome", _("Accueil")
    CHOOSE_LANGUAGE = "choose_language", _("Choix de la langue")
    CHOOSE_SERVICE = "choose_service", _("Choix du service")
    CHOOSE_CATEGORY = "choose_category", _("Choix de la catégorie")
    RECORD_AFTER_BEEP = "record_after_beep", _("Parlez après le bip")
    THANKS = "thanks", _("Remerciements")
    NOT_UNDERSTOOD = "not_understood", _("Choix non compris")
    UNAVAILABLE = "unavailable", _("Service indisponible")


class VoicePrompt(models.Model):
    """An audio file a commune recorded for one moment of the call, in one language."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("langue"), max_length=8)
    key = models.CharField(_("moment de l'appel"), max_length=30, choices=PromptKey.choices)
    audio = models.FileField(_("fichier audio"), upload_to="channels/voice_prompts/%Y/")
    uploaded_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message vocal d'accueil")
        verbose_name_plural = _("messages vocaux d'accueil")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "language", "key"], name="channels_voice_prompt_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} · {self.language} · {self.key}"


class VoiceCall(models.Model):
    """One call to a commune's number (or one WhatsApp voice note): the caller's choices so far (`step`,
    `language`, `flow`, `choice`), then its recording (`recording_ref`: the recording URL or the WhatsApp
    media id), downloaded by a background task and handed to the flow, which files what it stands for
    (`result_id`, `result_label`: e.g. the complaint and its tracking code). One row per gateway session:
    a retried callback or a second run of the task never files twice."""

    class RecordingStatus(models.TextChoices):
        NONE = "none", _("Pas encore d'enregistrement")
        PENDING = "pending", _("À télécharger")
        DONE = "done", _("Transmis")
        FAILED = "failed", _("Échec du téléchargement")

    gateway = models.CharField(_("passerelle"), max_length=30)
    session_id = models.CharField(_("identifiant de l'appel"), max_length=200)
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
    step = models.CharField(_("étape"), max_length=20, blank=True)
    steps_done = models.PositiveSmallIntegerField(_("étapes passées"), default=0)
    flow = models.CharField(_("service choisi"), max_length=40, blank=True)
    choice = models.CharField(_("choix"), max_length=40, blank=True)
    recording_ref = models.CharField(_("enregistrement"), max_length=500, blank=True)
    recording_status = models.CharField(
        _("état de l'enregistrement"),
        max_length=10,
        choices=RecordingStatus.choices,
        default=RecordingStatus.NONE,
    )
    result_id = models.PositiveBigIntegerField(_("identifiant du résultat"), null=True, blank=True)
    result_label = models.CharField(_("résultat"), max_length=40, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    started_at = models.DateTimeField(_("commencé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("appel vocal")
        verbose_name_plural = _("appels vocaux")
        constraints = [
            models.UniqueConstraint(fields=["gateway", "session_id"], name="channels_voice_call_unique"),
        ]
        indexes = [models.Index(fields=["commune", "started_at"], name="channels_voice_commune_idx")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.session_id}"
