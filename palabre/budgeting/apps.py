from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BudgetingConfig(AppConfig):
    name = "palabre.budgeting"
    label = "budgeting"
    verbose_name = _("Budget participatif")

    def ready(self):
        from palabre.budgeting import channels, sms_keywords
        from palabre.budgeting.services.erasure import budgeting_forget_phone
        from palabre.budgeting.web import budgeting_openings, budgeting_staff_tools
        from palabre.channels import router
        from palabre.channels.router import MenuEntry, SmsKeyword
        from palabre.core import openings, personal_data, staff_tools

        openings.register(budgeting_openings)
        staff_tools.register(budgeting_staff_tools)
        # What the participatory budget offers on each phone channel.
        router.register_menu(
            router.USSD,
            MenuEntry(
                "budget_vote",
                pgettext_lazy("ussd", "Voter (budget participatif)"),
                channels.vote_start,
                order=5,
                available=channels.voting_open,
            ),
            MenuEntry(
                "budget_idea",
                pgettext_lazy("ussd", "Proposer une idée"),
                channels.idea_title,
                order=6,
                available=channels.ideas_open,
            ),
        )
        keywords = sms_keywords.KEYWORDS
        router.register_sms_keywords(
            SmsKeyword(
                sms_keywords.VOTE,
                keywords[sms_keywords.VOTE],
                sms_keywords.vote_by_sms,
                help_text=pgettext_lazy("sms", "VOTE <numéros> : voter au budget participatif"),
                order=40,
            ),
            SmsKeyword(
                sms_keywords.PROJECTS,
                keywords[sms_keywords.PROJECTS],
                sms_keywords.projects_by_sms,
                help_text=pgettext_lazy("sms", "PROJETS : les projets soumis au vote"),
                order=41,
            ),
            SmsKeyword(
                sms_keywords.IDEA,
                keywords[sms_keywords.IDEA],
                sms_keywords.idea_by_sms,
                help_text=pgettext_lazy("sms", "IDEE <texte> : proposer un projet"),
                order=42,
            ),
            SmsKeyword(
                sms_keywords.RECEIPT,
                keywords[sms_keywords.RECEIPT],
                sms_keywords.receipt_by_sms,
                help_text=pgettext_lazy("sms", "RECU <code> : vérifier que votre vote est compté"),
                order=43,
            ),
        )
        personal_data.register_phone_eraser(budgeting_forget_phone)
