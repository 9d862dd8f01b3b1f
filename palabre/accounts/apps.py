from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "palabre.accounts"
    label = "accounts"

    def ready(self):
        from palabre.accounts.services import accounts_forget_phone
        from palabre.core import personal_data

        personal_data.register_phone_eraser(accounts_forget_phone)

        from django.contrib.auth.signals import user_logged_in

        from palabre.accounts.middleware import staff_signed_in

        user_logged_in.connect(staff_signed_in, dispatch_uid="accounts.staff_signed_in")
