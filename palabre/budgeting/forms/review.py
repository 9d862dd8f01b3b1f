"""Forms of the technical review (staff): the review of one idea and the merge of a duplicate. The rules
(reason required, a cost for feasible projects, the envelope of the cycle) live in services/proposals.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.budgeting.models import Envelope, Proposal, ProposalStatus
from palabre.budgeting.queries.proposals import merge_targets
from palabre.core.validators import AsciiIntegerField


class ReviewForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Avis"),
        choices=[("1", _("Réalisable : sur le bulletin de vote")), ("0", _("Non réalisable"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (publié avec l'idée)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    estimated_cost = AsciiIntegerField(
        label=_("Coût estimé par les services (FCFA)"), required=False, min_value=1
    )
    envelope = forms.ModelChoiceField(
        label=_("Enveloppe"), queryset=Envelope.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "feasible": {"feasible": "1", "infeasible": "0"}.get(proposal.status),
                "reason": proposal.review_reason,
                "estimated_cost": proposal.estimated_cost,
                "envelope": proposal.envelope_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["envelope"].queryset = proposal.cycle.envelopes.select_related("arrondissement")


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, proposal: Proposal) -> str:
        return f"{proposal.number}. {proposal.title}"


class MergeForm(forms.Form):
    into = ProposalChoiceField(
        label=_("Fusionner dans l'idée"), queryset=Proposal.objects.none(), empty_label="—"
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = merge_targets(proposal)


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Toutes")), *ProposalStatus.choices]
    )
