"""Forms of the accounts pages: they keep what was typed and say what to fix next to the field."""

import datetime
from itertools import groupby

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from palabre.accounts import services
from palabre.accounts.models import COMMUNE_ROLES
from palabre.accounts.phone import national_format, read_benin_phone
from palabre.accounts.services import Profile
from palabre.core.choices import Gender
from palabre.core.http import client_ip
from palabre.core.validators import AsciiIntegerField, parse_ascii_int
from palabre.territory.models import Arrondissement, Village


def six_digit_field(label) -> forms.RegexField:
    return forms.RegexField(
        regex=r"^\s*[0-9]{6}\s*$",  # not \d, which also matches Arabic-Indic or fullwidth digits
        label=label,
        error_messages={
            "invalid": _("Le code a 6 chiffres."),
            "required": _("Saisissez le code à 6 chiffres."),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )


class PhoneField(forms.CharField):
    """A Benin mobile number as people type it; cleans to a PhoneNumber."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    default_error_messages = {"required": _("Saisissez votre numéro de téléphone.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Numéro de téléphone"))
        kwargs.setdefault("help_text", _("Par exemple 01 97 12 34 56."))
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        self.converted_from_old = False
        text = super().clean(value)
        reading = read_benin_phone(text)
        self.converted_from_old = reading.converted_from_old
        return reading.phone


class PhoneForm(forms.Form):
    phone = PhoneField()

    def conversion_notice(self) -> str:
        """What to tell the person when we turned their old 8-digit number into the new one."""
        if not self.fields["phone"].converted_from_old:
            return ""
        return _("Nous avons converti votre ancien numéro en %(phone)s.") % {
            "phone": national_format(self.cleaned_data["phone"])
        }


class CodeForm(forms.Form):
    code = six_digit_field(_("Code reçu par SMS"))


class StaffLoginForm(forms.Form):
    phone = PhoneField()
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.user = services.staff_password_check(
                phone=cleaned["phone"],
                password=cleaned["password"],
                ip=client_ip(self.request),
                request=self.request,
            )
        except services.StaffLoginLimited as refusal:
            raise forms.ValidationError(refusal.message, code="rate_limited") from refusal
        if self.user is None:
            raise forms.ValidationError(_("Numéro ou mot de passe incorrect."), code="invalid_login")
        return cleaned


class TokenForm(forms.Form):
    """A code from the staff member's authenticator; refused while the device is throttled."""

    token = six_digit_field(_("Code de l'application d'authentification"))

    def __init__(self, *args, device, **kwargs):
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_token(self) -> str:
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                _("Trop d'essais : attendez quelques secondes puis réessayez."), code="throttled"
            )
        return self.cleaned_data["token"].strip()


class GroupedChoiceIterator(ModelChoiceIterator):
    """Choices in <optgroup>s named by the field's `group_label(obj)`."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for label, objects in groupby(self.queryset, key=self.field.group_label):
            yield (label, [self.choice(obj) for obj in objects])


class ArrondissementChoiceField(forms.ModelChoiceField):
    iterator = GroupedChoiceIterator

    @staticmethod
    def group_label(arrondissement: Arrondissement) -> str:
        return arrondissement.commune.name


def _birth_year_bounds() -> tuple[int, int]:
    this_year = datetime.date.today().year
    return this_year - 110, this_year - 10


class ProfileForm(forms.Form):
    """The optional profile. Villages are those of the chosen arrondissement (two steps, no JavaScript)."""

    display_name = forms.CharField(
        label=_("Nom affiché"),
        max_length=120,
        required=False,
        help_text=_("Facultatif. Jamais affiché publiquement."),
    )
    gender = forms.ChoiceField(label=_("Genre"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = AsciiIntegerField(label=_("Année de naissance"), required=False)
    arrondissement = ArrondissementChoiceField(
        label=_("Arrondissement"),
        queryset=Arrondissement.objects.select_related("commune").order_by("commune__name", "name"),
        required=False,
        empty_label="—",
    )
    village = forms.ModelChoiceField(
        label=_("Village ou quartier"),
        queryset=Village.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("Choisissez un village de l'arrondissement choisi.")},
    )
    consent = forms.BooleanField(
        label=_("J'accepte que Palabre garde ces informations pour les compter (jamais les afficher)."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low, high = _birth_year_bounds()
        self.fields["birth_year"].min_value = low
        self.fields["birth_year"].max_value = high
        self.fields["birth_year"].widget.attrs.update({"min": low, "max": high})
        self.chosen_arrondissement_id = self._chosen_arrondissement_id()
        self.fields["village"].queryset = Village.objects.filter(
            arrondissement_id=self.chosen_arrondissement_id
        )

    def _chosen_arrondissement_id(self) -> int | None:
        raw = self.data.get("arrondissement") if self.is_bound else self.initial.get("arrondissement")
        raw = getattr(raw, "pk", raw)
        return parse_ascii_int(str(raw or ""))

    def clean(self):
        cleaned = super().clean()
        traits = [cleaned.get(name) for name in ("gender", "birth_year", "arrondissement", "village")]
        if any(traits) and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("Cochez cette case pour que nous gardions ces informations, ou laissez-les vides."),
            )
        return cleaned

    def profile(self) -> Profile:
        return Profile(
            gender=self.cleaned_data["gender"],
            birth_year=self.cleaned_data["birth_year"],
            arrondissement=self.cleaned_data["arrondissement"],
            village=self.cleaned_data["village"],
        )


class MemberAddForm(forms.Form):
    phone = PhoneField(help_text=_("Le numéro de la personne à ajouter."))
    role = forms.ChoiceField(label=_("Rôle"), choices=[(role.value, role.label) for role in COMMUNE_ROLES])


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je comprends que mon compte sera supprimé définitivement."),
        error_messages={"required": _("Cochez cette case pour confirmer.")},
    )
