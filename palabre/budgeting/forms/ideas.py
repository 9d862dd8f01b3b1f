"""Forms of the idea pages: proposing an idea (citizen, or an officer typing a paper form) and filtering
the list. They only read what was typed; the rules live in services/proposals.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.accounts.forms import GroupedChoiceIterator, PhoneField
from palabre.budgeting.models import ProposalStatus
from palabre.core.validators import AsciiIntegerField
from palabre.territory.models import Arrondissement, Village


class VillageChoiceField(forms.ModelChoiceField):
    """Villages in one <optgroup> per arrondissement, so the list works without JavaScript."""

    iterator = GroupedChoiceIterator

    @staticmethod
    def group_label(village: Village) -> str:
        return village.arrondissement.name


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Titre de l'idée"),
        max_length=120,
        help_text=_("Par exemple : « Un forage à Agbangnizoun centre »."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Ce qu'il faut faire, où, et pour qui."),
    )
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=Arrondissement.objects.none(),
        required=False,
        empty_label=_("Toute la commune"),
    )
    village = VillageChoiceField(
        label=_("Village ou quartier"), queryset=Village.objects.none(), required=False, empty_label="—"
    )
    rough_cost = AsciiIntegerField(
        label=_("Coût estimé (FCFA, facultatif)"),
        required=False,
        min_value=1,
        help_text=_("Les services techniques l'estimeront de toute façon."),
    )
    photo = forms.FileField(label=_("Photo du lieu (facultative)"), required=False)
    author_name = forms.CharField(
        label=_("Nom affiché (facultatif)"),
        max_length=120,
        required=False,
        help_text=_("Votre nom ou celui de votre groupement, montré avec l'idée."),
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune)
        self.fields["village"].queryset = (
            Village.objects.filter(arrondissement__commune=commune)
            .select_related("arrondissement")
            .order_by("arrondissement__name", "name")
        )


class OptionalPhoneField(PhoneField):
    """A phone number that may be left empty (cleans to None)."""

    def clean(self, value):
        if not (value or "").strip():
            return None
        return super().clean(value)


class PaperIdeaForm(IdeaForm):
    """An idea form from a village meeting, typed by an officer."""

    author_phone = OptionalPhoneField(
        label=_("Téléphone de l'auteur (facultatif)"),
        required=False,
        help_text=_("Pour lui envoyer le numéro de son idée par SMS ; le numéro n'est pas conservé."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_name"].label = _("Nom de l'auteur ou du groupement")
        self.fields["author_name"].required = True
        self.fields["author_name"].help_text = ""


class IdeaFilterForm(forms.Form):
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=Arrondissement.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Tous")), *ProposalStatus.choices]
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        arrondissement = self.cleaned_data["arrondissement"]
        return {
            "arrondissement_id": arrondissement.pk if arrondissement else None,
            "status": self.cleaned_data["status"],
        }
