from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GrievancesConfig(AppConfig):
    name = "palabre.grievances"
    label = "grievances"
    verbose_name = _("Plaintes")

    def ready(self):
        from palabre.channels import router
        from palabre.channels.router import MenuEntry, SmsKeyword
        from palabre.core import openings, personal_data, staff_tools
        from palabre.grievances import channels, sms_keywords, voice_flow
        from palabre.grievances.services.erasure import grievances_forget_phone
        from palabre.grievances.web import complaint_openings, complaint_staff_tools

        openings.register(complaint_openings)
        staff_tools.register(complaint_staff_tools)
        # What complaints offer on each phone channel: command or menu key, words or title, handler, order.
        keywords = sms_keywords.KEYWORDS
        router.register_sms_keywords(
            SmsKeyword(
                sms_keywords.COMPLAINT,
                keywords[sms_keywords.COMPLAINT],
                sms_keywords.file_by_sms,
                help_text=pgettext_lazy("sms", "PLAINTE <texte> : déposer une plainte"),
                order=10,
            ),
            SmsKeyword(
                sms_keywords.TRACK,
                keywords[sms_keywords.TRACK],
                sms_keywords.track_by_sms,
                help_text=pgettext_lazy("sms", "SUIVI <code> : où en est votre plainte"),
                order=20,
            ),
            SmsKeyword(
                sms_keywords.RATE,
                keywords[sms_keywords.RATE],
                sms_keywords.rate_by_sms,
                help_text=pgettext_lazy("sms", "NOTE <code> <1 à 5> : noter le traitement"),
                order=30,
            ),
        )
        enabled = channels.complaints_enabled
        router.register_menu(
            router.USSD,
            MenuEntry(
                "complaint_file",
                pgettext_lazy("ussd", "Déposer une plainte"),
                channels.file_category,
                order=10,
                available=enabled,
            ),
            MenuEntry(
                "complaint_track",
                pgettext_lazy("ussd", "Suivre une plainte"),
                channels.track_code,
                order=11,
                available=enabled,
            ),
            MenuEntry(
                "complaint_mine", pgettext_lazy("ussd", "Mes plaintes"), channels.my_complaints, order=12
            ),
        )
        router.register_menu(
            router.VOICE,
            MenuEntry(
                "complaint_file",
                pgettext_lazy("voice", "déposer une plainte"),
                voice_flow.complaint_voice_flow,
                order=10,
                available=enabled,
            ),
        )
        personal_data.register_phone_eraser(grievances_forget_phone)
