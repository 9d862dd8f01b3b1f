from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "palabre.budgeting"
    label = "budgeting"
    verbose_name = _("Budget participatif")

    def ready(self):
        from palabre.budgeting import channels, sms_keywords
        from palabre.budgeting.services.erasure import budgeting_forget_phone
        from palabre.budgeting.web import budgeting_openings, budgeting_staff_tools
        from palabre.core import openings, personal_data, staff_tools

        openings.register(budgeting_openings)
        staff_tools.register(budgeting_staff_tools)
        channels.register()
        sms_keywords.register()
        personal_data.register_phone_eraser(budgeting_forget_phone)
