"""The commune administrators' voice prompts page, and the prompt audio the provider plays (public)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.channels.permissions import access_channels_admin
from palabre.channels.voice.forms import PromptUploadForm
from palabre.channels.voice.prompts import (
    PROMPT_CONTENT_TYPES,
    prompt_audio_format,
    prompts_of,
    voice_prompt_delete,
    voice_prompt_save,
)
from palabre.channels.voice_models import PromptKey, VoicePrompt


def prompts_page(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """Every moment of a call, per language: the uploaded file (to listen to) or the French fallback."""
    commune = access_channels_admin(request, commune_slug)
    languages = commune.offered_languages()
    form = PromptUploadForm(request.POST or None, request.FILES or None, languages=languages)
    if request.method == "POST" and form.is_valid():
        try:
            voice_prompt_save(
                commune=commune,
                audio=form.cleaned_data["audio"],
                by=request.user,
                language=form.cleaned_data["language"],
                key=form.cleaned_data["key"],
            )
        except ValidationError as error:
            form.add_error("audio", error)
        else:
            messages.success(request, _("Le message vocal est enregistré."))
            return redirect("channels_staff:voice_prompts", commune_slug=commune.slug)
    prompts = prompts_of(commune)
    rows = [(key, label, [(code, name, prompts.get((code, key))) for code, name in languages])
            for key, label in PromptKey.choices]  # fmt: skip
    context = {"commune": commune, "form": form, "rows": rows, "languages": languages}
    return render(request, "channels/voice_prompts.html", context, status=400 if form.errors else 200)


@require_POST
def prompt_delete(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune = access_channels_admin(request, commune_slug)
    voice_prompt_delete(prompt=get_object_or_404(VoicePrompt, pk=pk, commune=commune), by=request.user)
    messages.success(request, _("Le message vocal est retiré : la voix de synthèse en français le remplace."))
    return redirect("channels_staff:voice_prompts", commune_slug=commune.slug)


def prompt_audio(request: HttpRequest, pk: int) -> FileResponse:
    """A prompt's audio file, fetched by the voice provider during a call (prompts are public)."""
    prompt = get_object_or_404(VoicePrompt, pk=pk)
    audio = prompt.audio.open("rb")
    content_type = PROMPT_CONTENT_TYPES.get(prompt_audio_format(audio.read(16)) or "", "audio/mpeg")
    audio.seek(0)
    response = FileResponse(audio, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response
