from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrievancesConfig(AppConfig):
    name = "palabre.grievances"
    label = "grievances"
    verbose_name = _("Plaintes")

    def ready(self):
        from palabre.core import openings, personal_data, staff_tools
        from palabre.grievances import channels, sms_keywords, voice_flow
        from palabre.grievances.services.erasure import grievances_forget_phone
        from palabre.grievances.web import complaint_openings, complaint_staff_tools

        openings.register(complaint_openings)
        staff_tools.register(complaint_staff_tools)
        sms_keywords.register()
        channels.register()
        voice_flow.register()
        personal_data.register_phone_eraser(grievances_forget_phone)
