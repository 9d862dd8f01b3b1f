from django.apps import AppConfig
from django.core import checks


class ChannelsConfig(AppConfig):
    name = "palabre.channels"
    label = "channels"

    def ready(self):
        from palabre.channels.checks import africastalking_token_check, console_gateway_check
        from palabre.channels.personal_data import channels_forget_phone
        from palabre.channels.staff import channel_tools
        from palabre.core import personal_data, staff_tools

        staff_tools.register(channel_tools)
        personal_data.register_phone_eraser(channels_forget_phone)
        checks.register(africastalking_token_check, checks.Tags.security)
        checks.register(console_gateway_check, checks.Tags.security, deploy=True)
