from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "palabre.budgeting"
    label = "budgeting"
    verbose_name = _("Budget participatif")

    def ready(self):
        from palabre.budgeting import channels, sms_keywords
        from palabre.budgeting.web import budgeting_openings, budgeting_staff_tools
        from palabre.core import openings, staff_tools

        openings.register(budgeting_openings)
        staff_tools.register(budgeting_staff_tools)
        channels.register()
        sms_keywords.register()
