"""Forms of the cycle pages (staff): the cycle's settings and an envelope. They only read what was typed;
the rules (phase order, ballot parameters, what voting froze) live in services/cycles.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.budgeting.models import Cycle
from palabre.budgeting.services.cycles import EDITABLE_FIELDS
from palabre.core.validators import AsciiIntegerField
from palabre.territory.models import Arrondissement

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleForm(forms.Form):
    """Every editable setting of a cycle, labelled as the model labels them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in EDITABLE_FIELDS:
            field = Cycle._meta.get_field(name).formfield()
            if isinstance(field, forms.DateField):
                field.widget = DATE_INPUT
            self.fields[name] = field
        self.fields["max_projects"].help_text = _(
            "Obligatoire pour l'approbation, facultatif pour le panier."
        )
        self.fields["points_per_voter"].help_text = _("Seulement pour le vote par points.")
        self.fields["minimum_age"].help_text = _("Laissez vide pour ne pas fixer d'âge minimum.")

    @classmethod
    def for_cycle(cls, cycle: Cycle, data=None) -> "CycleForm":
        return cls(data, initial={name: getattr(cycle, name) for name in EDITABLE_FIELDS})


class EnvelopeForm(forms.Form):
    arrondissement = forms.ModelChoiceField(
        label=_("Pour"),
        queryset=Arrondissement.objects.none(),
        required=False,
        empty_label=_("Toute la commune"),
    )
    amount = AsciiIntegerField(label=_("Montant (FCFA)"), min_value=1)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune)
