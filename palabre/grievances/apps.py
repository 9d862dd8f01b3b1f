from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "palabre.grievances"
    label = "grievances"
    verbose_name = _("Plaintes")

    def ready(self):
        from palabre.core import openings
        from palabre.grievances.web import complaint_openings

        openings.register(complaint_openings)
