"""Forms of the complaint pages: they keep what was typed and say what to fix next to the field.

They only read and clean what people type; every rule on complaints lives in services.py.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.accounts.forms import GroupedChoiceIterator, PhoneField
from palabre.grievances.models import Status
from palabre.grievances.services import normalize_code
from palabre.territory.models import Arrondissement, Commune, Village


class VillageChoiceField(forms.ModelChoiceField):
    """Villages in one <optgroup> per arrondissement, so the list works without JavaScript."""

    iterator = GroupedChoiceIterator

    @staticmethod
    def group_label(village: Village) -> str:
        return village.arrondissement.name


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name or str(obj.phone)


class OptionalPhoneField(PhoneField):
    """A Benin mobile number as people type it, or None when left empty."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        if not (value or "").strip():
            self.converted_from_old = False
            return None
        return super().clean(value)


class PlaceForm(forms.Form):
    """Step 1 of filing: what it is about and where (then similar complaints are suggested)."""

    category = CategoryChoiceField(
        label=_("De quoi s'agit-il ?"),
        queryset=None,
        empty_label="—",
        error_messages={"required": _("Choisissez une catégorie.")},
    )
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"),
        queryset=None,
        empty_label="—",
        error_messages={"required": _("Choisissez l'arrondissement.")},
    )
    village = VillageChoiceField(
        label=_("Village ou quartier"),
        queryset=None,
        required=False,
        empty_label=_("— je ne sais pas —"),
        help_text=_("Choisissez un village de l'arrondissement choisi."),
    )

    def __init__(self, *args, commune: Commune, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune)
        self.fields["village"].queryset = (
            Village.objects.filter(arrondissement__commune=commune)
            .select_related("arrondissement")
            .order_by("arrondissement__name", "name")
        )

    def clean(self):
        cleaned = super().clean()
        village, arrondissement = cleaned.get("village"), cleaned.get("arrondissement")
        if village and arrondissement and village.arrondissement_id != arrondissement.pk:
            self.add_error("village", _("Ce village n'est pas dans l'arrondissement choisi."))
        return cleaned


class DetailsForm(forms.Form):
    """Step 2 of filing: what happened, files, and who is filing (or nobody: anonymous)."""

    place_description = forms.CharField(
        label=_("Précisions sur le lieu"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : près du marché, derrière l'école."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, max_digits=9, decimal_places=6
    )
    description = forms.CharField(
        label=_("Ce qui s'est passé"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Écrivez-le ici, ou enregistrez un message vocal plus bas."),
    )
    photo = forms.FileField(
        label=_("Photo (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    voice_recording = forms.FileField(
        label=_("Message vocal (facultatif)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*", "capture": ""}),
        help_text=_("Si vous préférez parler plutôt qu'écrire."),
    )
    reporter_name = forms.CharField(label=_("Votre nom (facultatif)"), max_length=120, required=False)
    reporter_phone = OptionalPhoneField(
        label=_("Votre numéro de téléphone (facultatif)"),
        help_text=_("Pour recevoir le code de suivi et les nouvelles par SMS. Par exemple 01 97 12 34 56."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Je veux rester anonyme : ni mon nom ni mon numéro ne seront gardés."), required=False
    )
    name_public = forms.BooleanField(
        label=_("J'accepte que mon nom soit affiché sur la page publique de la plainte."), required=False
    )

    def clean(self):
        cleaned = super().clean()
        has_text = bool((cleaned.get("description") or "").strip())
        if "description" not in self.errors and not has_text and not cleaned.get("voice_recording"):
            self.add_error(
                "description", _("Décrivez ce qui s'est passé, par écrit ou par un message vocal.")
            )
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Donnez la latitude et la longitude, ou aucune des deux."))
        if cleaned.get("is_anonymous"):
            cleaned.update(reporter_name="", reporter_phone=None, name_public=False)
        return cleaned


class SupportForm(forms.Form):
    """ "Me too": a phone number unless the person is signed in."""

    phone = OptionalPhoneField(
        label=_("Votre numéro de téléphone"),
        help_text=_("Pour compter votre soutien une seule fois. Il ne sera jamais affiché."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None

    def clean(self):
        cleaned = super().clean()
        if self.user is None and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Saisissez votre numéro de téléphone."))
        return cleaned


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Code de suivi"),
        max_length=20,
        help_text=_("Par exemple BOH-7K3M. Majuscules, espaces et tirets n'ont pas d'importance."),
        error_messages={"required": _("Saisissez le code de suivi reçu au dépôt.")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if len(code) < 8:
            raise forms.ValidationError(_("Un code de suivi ressemble à BOH-7K3M."), code="short")
        return code


class InformationForm(forms.Form):
    text = forms.CharField(
        label=_("Ajouter des informations"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Seuls les agents de la mairie les liront."),
        error_messages={"required": _("Écrivez ce que vous voulez ajouter.")},
    )


class DisagreeForm(forms.Form):
    reason = forms.CharField(
        label=_("Le problème n'est pas réglé ? Dites pourquoi"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La plainte sera rouverte."),
        error_messages={"required": _("Dites pourquoi vous n'êtes pas d'accord.")},
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Êtes-vous satisfait du traitement ? (1 : pas du tout, 5 : tout à fait)"),
        choices=[(str(value), str(value)) for value in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une note de 1 à 5.")},
    )


class PublicFilterForm(forms.Form):
    """Filters of the public list (GET): every field optional, unknown values ignored."""

    category = CategoryChoiceField(
        label=_("Catégorie"), queryset=None, required=False, empty_label=_("Toutes")
    )
    status = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *Status.choices])
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"), queryset=None, required=False, empty_label=_("Tous")
    )

    def __init__(self, *args, commune: Commune, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune)

    def filters(self) -> dict:
        """Keyword arguments for the queries, from the valid fields only."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        arrondissement = data.get("arrondissement")
        return {
            "status": data.get("status") or "",
            "category": data.get("category"),
            "arrondissement_id": arrondissement.pk if arrondissement else None,
        }


class QueueFilterForm(PublicFilterForm):
    """Filters of the officers' queue and its exports."""

    assignee = OfficerChoiceField(label=_("Agent"), queryset=None, required=False, empty_label=_("Tous"))
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    q = forms.CharField(label=_("Rechercher (code, texte, lieu)"), max_length=100, required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers

    def filters(self) -> dict:
        filters = super().filters()
        data = getattr(self, "cleaned_data", {})
        assignee = data.get("assignee")
        return filters | {
            "assignee_id": assignee.pk if assignee else None,
            "overdue_only": bool(data.get("overdue")),
            "search": data.get("q") or "",
        }


class BulkAssignForm(forms.Form):
    complaints = forms.ModelMultipleChoiceField(
        label=_("Plaintes"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une plainte.")},
    )
    assignee = OfficerChoiceField(
        label=_("Confier à"), queryset=None, error_messages={"required": _("Choisissez un agent.")}
    )

    def __init__(self, *args, complaints, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["complaints"].queryset = complaints
        self.fields["complaints"].to_field_name = "code"
        self.fields["assignee"].queryset = officers


# --- Officer actions on one complaint -------------------------------------------------------------------


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message public (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = OfficerChoiceField(
        label=_("Confier à"), queryset=None, error_messages={"required": _("Choisissez un agent.")}
    )
    note = forms.CharField(label=_("Note interne (facultatif)"), required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers


class ResolveForm(forms.Form):
    message = forms.CharField(
        label=_("Ce qui a été fait (public, envoyé au citoyen)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Dites au citoyen ce qui a été fait.")},
    )
    note = forms.CharField(
        label=_("Note interne (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du rejet (public)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Donnez le motif du rejet.")},
    )


class ReferForm(forms.Form):
    referred_to = forms.CharField(
        label=_("Transmise à"),
        max_length=200,
        help_text=_("Par exemple : le Médiateur de la République, la ligne anticorruption."),
        error_messages={"required": _("Dites à qui la plainte est transmise.")},
    )
    message = forms.CharField(label=_("Message public (facultatif)"), required=False)


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Code de la plainte d'origine"),
        max_length=20,
        error_messages={"required": _("Saisissez le code de la plainte d'origine.")},
    )

    def clean_original(self) -> str:
        return normalize_code(self.cleaned_data["original"])


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note interne"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Écrivez la note.")},
    )


# --- The commune's complaint settings (administrators) --------------------------------------------------


class HandlerChoiceField(OfficerChoiceField):
    """A handler of the commune; focal points are marked, since only they may route sensitive ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.focal_point_ids: set[int] = set()

    def label_from_instance(self, obj) -> str:
        label = super().label_from_instance(obj)
        if obj.pk in self.focal_point_ids:
            return _("%(name)s (point focal)") % {"name": label}
        return label


def _days_field(label):
    return forms.IntegerField(
        label=label,
        widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        error_messages={
            "required": _("Saisissez un nombre de jours ouvrés."),
            "invalid": _("Saisissez un nombre entier de jours ouvrés."),
        },
    )


def _handler_field(label, help_text):
    return HandlerChoiceField(
        label=label,
        queryset=None,
        required=False,
        empty_label=_("— personne —"),
        help_text=help_text,
        error_messages={
            "invalid_choice": _("Choisissez une personne qui traite les plaintes de la commune.")
        },
    )


class CategoryForm(forms.Form):
    """A category's settings; the rules (deadlines, who may be head) are checked by the services."""

    name = forms.CharField(
        label=_("Nom"), max_length=120, error_messages={"required": _("Donnez un nom à la catégorie.")}
    )
    description = forms.CharField(
        label=_("Description (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_sensitive = forms.BooleanField(
        label=_("Catégorie sensible : traitée par les points focaux seulement, jamais publiée"),
        required=False,
    )
    ack_working_days = _days_field(_("Délai d'accusé de réception (jours ouvrés)"))
    resolve_working_days = _days_field(_("Délai de résolution (jours ouvrés)"))
    responsible_service = forms.CharField(
        label=_("Service responsable"),
        max_length=120,
        required=False,
        help_text=_("Par exemple : Service technique, Service de l'état civil."),
    )
    head = _handler_field(
        _("Chef du service"), _("Pour une catégorie sensible, seul un point focal peut être choisi.")
    )
    default_assignee = _handler_field(
        _("Agent désigné par défaut"),
        _("Les nouvelles plaintes lui sont confiées dès l'accusé de réception."),
    )
    is_active = forms.BooleanField(label=_("Active : proposée aux habitants"), required=False)
    position = forms.IntegerField(
        label=_("Ordre d'affichage"),
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        help_text=_("Les catégories sont présentées de la plus petite valeur à la plus grande."),
        error_messages={
            "required": _("Saisissez un nombre (0 pour la première place)."),
            "invalid": _("Saisissez un nombre entier."),
        },
    )

    def __init__(self, *args, officers, focal_point_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        for field in ("head", "default_assignee"):
            self.fields[field].queryset = officers
            self.fields[field].focal_point_ids = focal_point_ids

    @staticmethod
    def initial_from(category) -> dict:
        return {field: getattr(category, field) for field in CategoryForm.base_fields}


class CategoryAddForm(CategoryForm):
    """A new category is active; its place defaults to the end of the list."""

    is_active = None
    position = forms.IntegerField(
        label=_("Ordre d'affichage (facultatif)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        help_text=_("Laissez vide pour la placer en dernier."),
        error_messages={"invalid": _("Saisissez un nombre entier.")},
    )


class ResponseTemplateForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=120,
        help_text=_("Par exemple : Pompe réparée."),
        error_messages={"required": _("Donnez un titre au modèle.")},
    )
    body = forms.CharField(
        label=_("Texte de la réponse"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le texte que l'agent adapte puis envoie au citoyen quand la plainte est résolue."),
        error_messages={"required": _("Écrivez le texte de la réponse.")},
    )


class TranscriptionForm(forms.Form):
    """What the citizen says in a voice complaint, typed by an officer who listened to it."""

    text = forms.CharField(
        label=_("Transcription du message vocal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Écrivez ce que dit le message vocal.")},
    )
