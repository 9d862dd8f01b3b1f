from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "palabre.core"
    label = "core"

    def ready(self):
        from palabre.core import personal_data
        from palabre.core.outbox import outbox_phone_eraser

        personal_data.register_phone_eraser(outbox_phone_eraser)
