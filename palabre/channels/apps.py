from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "palabre.channels"
    label = "channels"

    def ready(self):
        from palabre.channels.staff import channel_tools
        from palabre.core import staff_tools

        staff_tools.register(channel_tools)
