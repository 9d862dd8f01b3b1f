"""The staff form of a bulk SMS announcement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.channels.sms.bulk import MAX_MESSAGE_LENGTH
from palabre.territory.models import Arrondissement, Commune


class BulkAnnouncementForm(forms.Form):
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=Arrondissement.objects.none(),
        required=False,
        empty_label=_("Toute la commune"),
    )
    language = forms.ChoiceField(
        label=_("Abonnés de langue"),
        required=False,
        help_text=_("Écrivez le message dans cette langue. « Toutes » : tous les abonnés le reçoivent."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Court et clair : date, heure, lieu. Une ligne disant comment se désabonner est ajoutée. "
            "Le nombre de SMS et le coût sont affichés avant l'envoi."
        ),
    )

    def __init__(self, *args, commune: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune).order_by(
            "name"
        )
        self.fields["language"].choices = [("", _("Toutes")), *commune.offered_languages()]
