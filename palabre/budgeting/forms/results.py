"""The follow-up form officers fill for a selected project; the rules live in services/followup.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.budgeting.models import ProjectUpdate
from palabre.core.validators import AsciiIntegerField


class ProjectUpdateForm(forms.ModelForm):
    """One step of a project's realisation. Starts from the latest step so only what changed is typed."""

    progress = AsciiIntegerField(
        label=_("avancement (%)"),
        min_value=0,
        max_value=100,
        initial=0,
        help_text=_("En pourcentage, de 0 à 100."),
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
    )

    class Meta:
        model = ProjectUpdate
        fields = ["status", "progress", "spent", "note", "photo"]
        widgets = {
            "spent": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "note": forms.Textarea(attrs={"rows": 4}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "spent": _(
                "En FCFA, tout ce qui a été dépensé depuis le début (pas seulement depuis la dernière fois)."
            ),
        }

    def __init__(self, *args, latest: ProjectUpdate | None = None, **kwargs):
        if latest is not None and "initial" not in kwargs:
            kwargs["initial"] = {"status": latest.status, "progress": latest.progress, "spent": latest.spent}
        super().__init__(*args, **kwargs)
