"""Forms of the voting pages: one ballot (one envelope), the arrondissement a voter without a declared one
votes for, and the receipt check. They only read what was typed; the ballot's rules live in
services/voting.py, so a web ballot is judged exactly as a USSD, SMS or paper one."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palabre.budgeting.models import BallotKind, Envelope, Proposal
from palabre.budgeting.services.voting import RECEIPT_LENGTH, normalise_receipt
from palabre.core.validators import AsciiIntegerField, parse_ascii_int
from palabre.territory.models import Arrondissement


class ProjectNumbersField(forms.Field):
    """The ticked project numbers (checkboxes named alike). Numbers that are not on the ballot pass: the
    service names them in its message, as it does on every channel."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        numbers = []
        for item in value or []:
            number = parse_ascii_int(item)
            if number is None:
                message = _("« %(value)s » n'est pas un numéro de projet.")
                raise ValidationError(message, params={"value": str(item)[:20]})
            numbers.append(number)
        return numbers


class BallotForm(forms.Form):
    """One envelope's ballot: ticked projects (approval, knapsack) or points per project (cumulative)."""

    projects = ProjectNumbersField(required=False)
    old_enough = forms.BooleanField(required=False)
    send_sms = forms.BooleanField(label=_("M'envoyer aussi mon reçu par SMS"), required=False, initial=True)

    def __init__(
        self, *args, envelope: Envelope, proposals: list[Proposal], minimum_age: int | None, **kwargs
    ):
        kwargs.setdefault("prefix", f"e{envelope.pk}")
        super().__init__(*args, **kwargs)
        self.envelope = envelope
        self.proposals = proposals
        self.cumulative = envelope.cycle.ballot_kind == BallotKind.CUMULATIVE
        if minimum_age:
            self.fields["old_enough"].label = _("J'ai au moins %(age)s ans") % {"age": minimum_age}
        else:
            del self.fields["old_enough"]
        if self.cumulative:
            del self.fields["projects"]
            for proposal in proposals:
                self.fields[f"points_{proposal.number}"] = AsciiIntegerField(
                    label=proposal.title,
                    required=False,
                    min_value=0,
                    max_value=10_000,
                    widget=forms.NumberInput(attrs={"class": "points", "inputmode": "numeric"}),
                )

    def ballot(self) -> tuple[list[int], list[int] | None]:
        """(numbers, points) as the service takes them: points only for cumulative ballots, given to the
        projects that received at least one."""
        if not self.cumulative:
            return self.cleaned_data["projects"], None
        given = [(p.number, self.cleaned_data.get(f"points_{p.number}") or 0) for p in self.proposals]
        given = [(number, value) for number, value in given if value]
        return [number for number, _value in given], [value for _number, value in given]

    def points_field(self, number: int):
        """The bound points input of a project (cumulative ballots), else None."""
        return self[f"points_{number}"] if self.cumulative and f"points_{number}" in self.fields else None

    def ticked(self) -> set[int]:
        """The numbers ticked in what was posted (even if invalid), to tick them again."""
        if not self.is_bound or self.cumulative:
            return set()
        ticked = set()
        for item in self.data.getlist(self.add_prefix("projects")):
            number = parse_ascii_int(item)
            if number is not None:
                ticked.add(number)
        return ticked


class ArrondissementChoiceForm(forms.Form):
    """The arrondissement a voter who declared none (in this commune) votes for, for this vote only."""

    arrondissement = forms.ModelChoiceField(
        label=_("Votre arrondissement"),
        queryset=Arrondissement.objects.none(),
        empty_label=_("— choisissez —"),
        help_text=_(
            "Vous votez pour les projets de toute la commune et pour ceux de votre arrondissement. "
            "Palabre ne peut pas vérifier où vous habitez : choisissez honnêtement, un seul "
            "arrondissement par personne."
        ),
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["arrondissement"].queryset = Arrondissement.objects.filter(commune=commune).order_by(
            "name"
        )


class ReceiptCheckForm(forms.Form):
    code = forms.CharField(
        label=_("Code du reçu"),
        max_length=20,
        help_text=_("Les 8 caractères reçus après votre vote, par exemple K7M3-PX4R."),
    )

    def clean_code(self) -> str:
        code = normalise_receipt(self.cleaned_data["code"])
        if len(code) != RECEIPT_LENGTH:
            raise ValidationError(_("Un code de reçu a 8 caractères (lettres et chiffres)."))
        return code
