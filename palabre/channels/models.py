from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
