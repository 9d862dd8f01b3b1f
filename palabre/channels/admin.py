"""Admin for the channels: inbound requests (read-only), phone profiles, delivery reports, credentials
(secrets write-only: never shown back beyond their last 4 characters)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from palabre.channels.credentials import mask_secret
from palabre.channels.models import DeliveryReport, GatewayCredential, InboundMessage, PhoneProfile

SECRET_FIELDS = ("secret", "signing_secret", "webhook_token")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "gateway", "kind", "status", "commune"]
    list_filter = ["gateway", "kind", "status"]
    list_select_related = ["commune"]
    search_fields = ["external_id"]
    date_hierarchy = "received_at"
    exclude = ["payload", "reply"]


@admin.register(DeliveryReport)
class DeliveryReportAdmin(ReadOnlyAdmin):
    list_display = ["reported_at", "gateway", "gateway_message_id", "status", "failure_reason"]
    list_filter = ["gateway", "status", "is_final"]
    search_fields = ["gateway_message_id"]


@admin.register(PhoneProfile)
class PhoneProfileAdmin(admin.ModelAdmin):
    list_display = ["phone", "language", "commune", "opted_out_at", "blocked_at", "blocked_in"]
    list_filter = ["language", "blocked_in"]
    list_select_related = ["commune", "blocked_in"]
    search_fields = ["phone"]
    readonly_fields = ["opted_out_at", "blocked_at", "blocked_reason", "blocked_by", "blocked_in"]


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
