"""API keys of the Open311 GeoReport v2 API: issued per commune, stored hashed, revocable."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Open311ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class Open311ApiKey(models.Model):
    """A key lets one client (a FixMyStreet body, a partner's app) file complaints in one commune.

    Only the SHA-256 of the key is kept: the key itself is shown once, when it is issued."""

    commune = models.ForeignKey(
        "territory.Commune", verbose_name=_("commune"), on_delete=models.CASCADE, related_name="+"
    )
    key_hash = models.CharField(_("empreinte de la clé"), max_length=64, unique=True, editable=False)
    label = models.CharField(_("libellé"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    objects = Open311ApiKeyQuerySet.as_manager()

    class Meta:
        app_label = "grievances"
        ordering = ["-created_at"]
        verbose_name = _("clé d'API Open311")
        verbose_name_plural = _("clés d'API Open311")

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
