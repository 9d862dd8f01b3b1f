from django import forms
from django.utils.translation import gettext_lazy as _


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du blocage"),
        max_length=200,
        help_text=_(
            "Par exemple : messages injurieux répétés. Ce motif est conservé dans le journal d'audit."
        ),
    )
