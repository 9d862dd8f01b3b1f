from django import forms
from django.utils.translation import gettext_lazy as _

from palabre.channels.voice_models import PromptKey


class PromptUploadForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue"))
    key = forms.ChoiceField(label=_("Moment de l'appel"), choices=PromptKey.choices)
    audio = forms.FileField(
        label=_("Fichier audio (MP3 ou WAV, 5 Mo au plus)"),
        error_messages={"required": _("Choisissez le fichier enregistré.")},
    )

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
