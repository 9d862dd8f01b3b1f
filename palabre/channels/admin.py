"""Admin for the channels: inbound requests (read-only), phone profiles, delivery reports, credentials
(secrets write-only: never shown back beyond their last 4 characters)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from palabre.channels.credentials import mask_secret
from palabre.channels.models import DeliveryReport, GatewayCredential, InboundMessage, PhoneProfile
from palabre.core.keyed import phone_key

SECRET_FIELDS = ("secret", "signing_secret", "webhook_token")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    """What is kept of a request: no number, text, payload or reply exists to show or search."""

    list_display = ["received_at", "gateway", "kind", "status", "commune"]
    list_filter = ["gateway", "kind", "status"]
    list_select_related = ["commune"]
    date_hierarchy = "received_at"
    exclude = ["dedupe_key", "phone_key"]


@admin.register(DeliveryReport)
class DeliveryReportAdmin(ReadOnlyAdmin):
    list_display = ["reported_at", "gateway", "gateway_message_id", "status", "failure_reason"]
    list_filter = ["gateway", "status", "is_final"]
    search_fields = ["gateway_message_id"]


@admin.register(PhoneProfile)
class PhoneProfileAdmin(ReadOnlyAdmin):
    """Profiles hold no number (only its keyed hash): searched by typing the number, which is hashed."""

    list_display = ["pseudonym", "language", "commune", "opted_out_at", "blocked_at", "blocked_in"]
    list_filter = ["language", "blocked_in"]
    list_select_related = ["commune", "blocked_in"]
    search_fields = ["phone_key"]
    search_help_text = _("Tapez un numéro complet au format +229… : il est cherché par son empreinte.")
    exclude = ["phone_key"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return queryset.filter(phone_key=phone_key(search_term.strip())), False


class GatewayCredentialForm(forms.ModelForm):
    """Secrets are typed, never displayed: an empty secret field keeps the stored value."""

    class Meta:
        model = GatewayCredential
        fields = ["gateway", "commune", "username", "sender", *SECRET_FIELDS, "is_active"]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRET_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            stored = getattr(self.instance, name, "")
            self.fields[name].required = False
            if stored:
                self.fields[name].help_text = _("Enregistré : %(masked)s. Laisser vide pour le garder.") % {
                    "masked": mask_secret(stored)
                }

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        return cleaned


@admin.register(GatewayCredential)
class GatewayCredentialAdmin(admin.ModelAdmin):
    form = GatewayCredentialForm
    list_display = ["gateway", "commune", "username", "sender", "masked_secret", "is_active"]
    list_filter = ["gateway", "is_active"]
    list_select_related = ["commune"]

    @admin.display(description=_("clé secrète"))
    def masked_secret(self, credential: GatewayCredential) -> str:
        return mask_secret(credential.secret)
