"""The steps of a call, called by `channels.inbound` for every Africa's Talking voice callback
(`handle_voice`) and every WhatsApp voice note (`handle_voice_note`).

A call: welcome, then the language (if the commune offers several and the phone has none remembered),
then the service (if several voice flows are registered), then the flow's keypad choice (the complaint's
category), then the recording after the beep, then thanks. Each question is a `GetDigits` whose callback
URL carries `step=<n>`: two steps answered with the same key stay two distinct requests, and a retried
callback gets the stored answer. The recording is downloaded after the answer, by a background task
(`tasks.voice_recording_fetch`), and handed to the flow once (one `VoiceCall` per call session).
"""

from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info, pgettext

from palabre.channels import router
from palabre.channels.gateways.base import Inbound
from palabre.channels.phones import phone_language
from palabre.channels.replies import GetDigits, Play, Record, Reply, Say
from palabre.channels.router import InboundContext, MenuEntry
from palabre.channels.voice.flows import VoiceFlow
from palabre.channels.voice.prompts import prompt_action, prompts_of
from palabre.channels.voice_models import PromptKey, VoiceCall
from palabre.core.validators import parse_ascii_int
from palabre.territory.models import Commune

Status = VoiceCall.RecordingStatus
RECORD_MAX_SECONDS = 120
FALLBACK_LANGUAGE = "fr"


class Step:
    LANGUAGE = "language"
    FLOW = "flow"
    CHOICE = "choice"
    RECORD = "record"
    DONE = "done"


def handle_voice(context: InboundContext, inbound: Inbound) -> Reply:
    """One callback of a call: the next question, or thanks once the recording arrived."""
    call, created = VoiceCall.objects.select_for_update().get_or_create(
        gateway=context.gateway, session_id=inbound.session_id, defaults={"phone": context.phone}
    )
    call_flow = CallFlow(call, context, base_url=inbound.payload.get("base_url", ""))
    if inbound.media_id:
        return call_flow.recorded(inbound.media_id)
    if inbound.payload.get("is_active") == "0":  # the end-of-call notification: nothing to say
        return Reply(commune_id=call.commune_id)
    if created or not call.step:
        return call_flow.start(inbound.payload.get("commune", ""))
    return call_flow.answer(inbound.text.strip().rstrip("#"))


def redisplay_voice(*, gateway: str, inbound: Inbound) -> Reply | None:
    """A provider's retry of a callback already answered: the call's current question again (None when
    the call is unknown or never started)."""
    call = (
        VoiceCall.objects.select_related("commune")
        .filter(gateway=gateway, session_id=inbound.session_id)
        .exclude(step="")
        .first()
    )
    if call is None:
        return None
    with translation.override(call.language or FALLBACK_LANGUAGE):
        return CallFlow(call, call_context(call), base_url=inbound.payload.get("base_url", "")).repeat()


def handle_voice_note(context: InboundContext, inbound: Inbound) -> Reply:
    """A WhatsApp voice note: kept as a call with its recording, filed by the first available flow."""
    entry = _entries(context)[:1]
    if context.commune is None or not entry:
        text = pgettext(
            "sms",
            "Palabre : nous ne savons pas à quelle commune envoyer votre message vocal. "
            "Écrivez PLAINTE suivi du nom de votre commune et du problème.",
        )
        return Reply(text=text)
    call, _created = VoiceCall.objects.select_for_update().get_or_create(
        gateway=context.gateway,
        session_id=inbound.external_id,
        defaults={
            "phone": context.phone,
            "commune": context.commune,
            "language": context.language,
            "flow": entry[0].key,
            "step": Step.DONE,
        },
    )
    _recording_pending(call, inbound.media_id)
    text = pgettext(
        "sms",
        "Palabre : votre message vocal est bien reçu. "
        "Vous recevrez par SMS le code de suivi de votre plainte.",
    )
    return Reply(text=text, commune_id=call.commune_id)


def _entries(context: InboundContext) -> list[MenuEntry]:
    return router.voice_flows(context)


def _recording_pending(call: VoiceCall, reference: str) -> None:
    """Keep the recording and queue its download once (later callbacks naming it again change nothing)."""
    if call.recording_status != Status.NONE:
        return
    call.recording_ref = reference
    call.recording_status = Status.PENDING
    call.step = Step.DONE
    call.save()
    transaction.on_commit(partial(_enqueue_download, call.pk))


def _enqueue_download(call_id: int) -> None:
    from palabre.channels.voice.tasks import voice_recording_fetch

    voice_recording_fetch.enqueue(call_id)


def call_context(call: VoiceCall, base: InboundContext | None = None) -> InboundContext:
    """The router context of this call: its commune and language."""
    return InboundContext(
        phone=call.phone,
        commune=call.commune,
        language=call.language or FALLBACK_LANGUAGE,
        channel=base.channel if base else "",
        gateway=call.gateway,
        inbound_id=base.inbound_id if base else None,
    )


class CallFlow:
    """The questions of one call, asked in the commune's recorded prompts or in French speech."""

    def __init__(self, call: VoiceCall, context: InboundContext, *, base_url: str):
        self.call, self.context, self.base_url = call, context, base_url
        self._prompts = None

    # Entry points ---------------------------------------------------------------------------------------
    def start(self, commune_slug: str) -> Reply:
        call = self.call
        call.commune = _commune(commune_slug) or self.context.commune
        remembered = phone_language(call.phone, default="")
        if call.commune is not None and remembered in call.commune.languages:
            call.language = remembered
        welcome = self._prompt(
            PromptKey.WELCOME, pgettext("voice", "Bienvenue sur la ligne de votre mairie.")
        )
        return self._next(before=(welcome,))

    def answer(self, digits: str) -> Reply:
        step = self.call.step
        if step == Step.LANGUAGE:
            return self._chosen("language", digits, [code for code, _name in self._languages()])
        if step == Step.FLOW:
            return self._chosen("flow", digits, [entry.key for entry in self._entries()])
        if step == Step.CHOICE:
            return self._chosen("choice", digits, [choice.value for choice in self._flow().choices])
        if step == Step.RECORD:  # a callback without a recording: ask again
            return self._record(())
        return self._reply(())

    def recorded(self, reference: str) -> Reply:
        _recording_pending(self.call, reference)
        return self._thanks()

    def repeat(self) -> Reply:
        """The current question (or the thanks) again, for a provider's retry of a callback already
        answered: answers are not stored, the call's state gives them back."""
        return self._thanks() if self.call.step == Step.DONE else self._next()

    def _thanks(self) -> Reply:
        thanks = pgettext(
            "voice", "Merci. Votre message est enregistré. Vous recevrez un SMS avec son code de suivi."
        )
        return self._reply((self._prompt(PromptKey.THANKS, thanks),))

    # Questions ------------------------------------------------------------------------------------------
    def _next(self, before: tuple = ()) -> Reply:
        call = self.call
        if call.commune is None or not self._entries():
            return self._end(before)
        if not call.language:
            languages = self._languages()
            if len(languages) > 1:
                return self._ask(Step.LANGUAGE, before, self._language_prompts(languages), len(languages))
            call.language = languages[0][0] if languages else FALLBACK_LANGUAGE
        if not call.flow:
            entries = self._entries()
            if len(entries) > 1:
                labels = [entry.title for entry in entries]
                question = self._menu_prompt(PromptKey.CHOOSE_SERVICE, labels)
                return self._ask(Step.FLOW, before, (question,), len(entries))
            call.flow = entries[0].key
        choices = self._flow().choices
        if choices and not call.choice:
            question = self._menu_prompt(PromptKey.CHOOSE_CATEGORY, [choice.label for choice in choices])
            return self._ask(Step.CHOICE, before, (question,), len(choices))
        return self._record(before)

    def _chosen(self, field: str, digits: str, values: list[str]) -> Reply:
        number = parse_ascii_int(digits)
        if number is None or not 1 <= number <= len(values):
            sorry = self._prompt(PromptKey.NOT_UNDERSTOOD, pgettext("voice", "Choix non compris."))
            self.call.step = ""
            setattr(self.call, field, "")
            return self._next(before=(sorry,))
        setattr(self.call, field, values[number - 1])
        return self._next()

    def _record(self, before: tuple) -> Reply:
        text = pgettext("voice", "Après le bip, dites votre message. Appuyez sur dièse quand vous avez fini.")
        record = Record(
            prompt=self._prompt(PromptKey.RECORD_AFTER_BEEP, text),
            max_length=RECORD_MAX_SECONDS,
            callback_url=self._callback_url(),
        )
        return self._save(Step.RECORD, (*before, record))

    def _ask(self, step: str, before: tuple, prompts: tuple, count: int) -> Reply:
        *spoken_first, last = prompts
        digits = GetDigits(prompt=last, num_digits=len(str(count)), callback_url=self._callback_url())
        return self._save(step, (*before, *spoken_first, digits))

    def _end(self, before: tuple = ()) -> Reply:
        text = pgettext("voice", "Ce service n'est pas disponible pour le moment. Merci de votre appel.")
        return self._reply((*before, self._prompt(PromptKey.UNAVAILABLE, text)))

    # Helpers --------------------------------------------------------------------------------------------
    def _save(self, step: str, actions: tuple) -> Reply:
        self.call.step = step
        return self._reply(actions)

    def _reply(self, actions: tuple) -> Reply:
        self.call.steps_done += 1
        self.call.save()
        return Reply(voice=tuple(actions), commune_id=self.call.commune_id)

    def _callback_url(self) -> str:
        """This route again, with the next step number (and the token Africa's Talking must send)."""
        query = {"step": self.call.steps_done + 1}
        if self.call.commune is not None:
            query["commune"] = self.call.commune.slug
        if settings.AT_TOKEN:
            query["token"] = settings.AT_TOKEN
        path = reverse("webhooks:inbound", kwargs={"gateway_name": self.call.gateway, "kind": "voice"})
        return f"{self.base_url.rstrip('/')}{path}?{urlencode(query)}"

    def _prompt(self, key: str, text, language: str = "") -> Play | Say:
        if self._prompts is None:
            self._prompts = prompts_of(self.call.commune) if self.call.commune else {}
        return prompt_action(
            self._prompts,
            language=language or self.call.language or FALLBACK_LANGUAGE,
            key=key,
            text=text,
            base_url=self.base_url,
        )

    def _language_prompts(self, languages: list[tuple[str, str]]) -> tuple:
        """Each language's own recorded prompt ("for Fon, press 2", in Fon), else one French sentence."""
        with translation.override(FALLBACK_LANGUAGE):
            return tuple(
                self._prompt(
                    PromptKey.CHOOSE_LANGUAGE,
                    pgettext("voice", "Pour %(language)s, tapez %(digit)s.")
                    % {"language": get_language_info(code)["name_translated"], "digit": digit},
                    language=code,
                )
                for digit, (code, _name) in enumerate(languages, start=1)
            )

    def _menu_prompt(self, key: str, labels: list) -> Play | Say:
        with translation.override(FALLBACK_LANGUAGE):
            text = " ".join(
                pgettext("voice", "Pour %(label)s, tapez %(digit)s.") % {"label": label, "digit": digit}
                for digit, label in enumerate(labels, start=1)
            )
        return self._prompt(key, text)

    def _languages(self) -> list[tuple[str, str]]:
        return self.call.commune.offered_languages() or [(FALLBACK_LANGUAGE, "Français")]

    def _entries(self) -> list[MenuEntry]:
        return _entries(call_context(self.call, self.context))

    def _flow(self) -> VoiceFlow:
        return flow_of(self.call, self.context)


def flow_of(call: VoiceCall, base: InboundContext | None = None) -> VoiceFlow:
    context = call_context(call, base)
    entry = next(entry for entry in router.voice_flows() if entry.key == call.flow)
    return entry.factory(context)


def _commune(slug: str) -> Commune | None:
    return Commune.objects.active().filter(slug=slug).first() if slug else None
