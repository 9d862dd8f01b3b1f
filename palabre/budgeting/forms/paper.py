"""Forms of the paper-ballot pages, made for fast keyboard entry: the projects ticked go in one field
("3 7 12"). They only read what is typed; the rules live in services/paper.py."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palabre.budgeting.models import Cycle, Envelope
from palabre.budgeting.services.paper import MAX_DECLARED_COUNT
from palabre.core.validators import AsciiIntegerField, parse_ascii_int

_SEPARATORS = re.compile(r"[\s,;.+-]+")


class EnvelopeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class NumberListField(forms.CharField):
    """Whole numbers typed with spaces (or commas) between them: "3 7 12" -> [3, 7, 12]; blank -> []."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value) -> list[int]:
        text = super().to_python(value)
        parts = [part for part in _SEPARATORS.split(text) if part]
        numbers = [parse_ascii_int(part) for part in parts]
        if None in numbers:
            raise ValidationError(
                _("Tapez seulement des nombres séparés par des espaces, par exemple 3 7 12."), code="invalid"
            )
        return [number for number in numbers if number is not None]


class PaperBatchOpenForm(forms.Form):
    envelope = EnvelopeChoiceField(label=_("Enveloppe"), queryset=Envelope.objects.none(), empty_label=None)
    polling_point = forms.CharField(
        label=_("Bureau de vote"), max_length=120, help_text=_("Par exemple : EPP Passagon, salle 2.")
    )
    declared_count = AsciiIntegerField(
        label=_("Nombre de bulletins du lot"),
        min_value=1,
        max_value=MAX_DECLARED_COUNT,
        help_text=_("Tel qu'inscrit sur la feuille de dépouillement du bureau."),
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envelope"].queryset = cycle.envelopes.select_related("arrondissement")


class PaperEntryForm(forms.Form):
    """One paper ballot. The phone is read by the service (palabre's Benin phone rules); left blank, the
    ballot is recorded as not valid."""

    position = AsciiIntegerField(label=_("Rang"), min_value=1)
    voter_phone = forms.CharField(
        label=_("Téléphone du votant"),
        required=False,
        max_length=30,
        help_text=_("Laissez vide si le numéro est illisible : le bulletin sera compté comme non valable."),
    )
    numbers = NumberListField(
        label=_("Numéros des projets cochés"),
        help_text=_("Séparés par des espaces, par exemple 3 7 12. Vide si rien n'est coché."),
    )

    def __init__(self, *args, cumulative: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["voter_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "off", "autofocus": True}
        )
        if cumulative:
            self.fields["points"] = NumberListField(
                label=_("Points"), help_text=_("Dans le même ordre que les projets, par exemple 2 1 3.")
            )


class PaperReconcileForm(forms.Form):
    count_note = forms.CharField(
        label=_("Explication d'un écart de nombre (si besoin)"),
        required=False,
        max_length=300,
        help_text=_("Seulement si le nombre de bulletins saisis diffère du nombre déclaré."),
    )


class PaperBatchDiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi abandonner ce lot ?"),
        max_length=300,
        help_text=_("Les saisies de ce lot sont effacées ; la raison reste dans le journal d'audit."),
    )
