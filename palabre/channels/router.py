"""The registry that domain apps fill from `AppConfig.ready()`: SMS keywords, USSD menus, voice flows.

`channels` never imports a domain app: grievances, budgeting (and later initiatives, consultations) hand
it tables of their SMS keywords and menu entries, with their own handlers, and the channel engines (USSD
menu engine, SMS dispatch, voice service) read the registry. Every handler receives an `InboundContext` and
answers with a `Reply` (or, for SMS keywords, a plain text).

    from palabre.channels import router
    from palabre.channels.router import MenuEntry, SmsKeyword

    class GrievancesConfig(AppConfig):
        def ready(self):
            router.register_sms_keywords(
                SmsKeyword("complaint", {"fr": ("PLAINTE",), "fon": ("HWƐ",)}, file_by_sms,
                           help_text=pgettext_lazy("sms", "PLAINTE <texte> : déposer une plainte"), order=10),
            )
            router.register_menu(
                router.USSD,
                MenuEntry("complaints", pgettext_lazy("ussd", "Déposer une plainte"), complaint_entry_screen,
                          order=10),
            )

`register_menu(router.USSD, ...)` fills the USSD main menu, `register_menu(router.VOICE, ...)` the voice
one: the same entries, read by two engines.

Registering the same key twice with the same handler is harmless (ready() may run twice in tests);
with a different handler it raises `RegistryConflict`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from palabre.channels.replies import GetDigits, Play, Record, Reply, Say, VoiceAction

if TYPE_CHECKING:
    from palabre.territory.models import Commune

__all__ = [
    "USSD",
    "VOICE",
    "GetDigits",
    "InboundContext",
    "MenuEntry",
    "Play",
    "Record",
    "RegistryConflict",
    "Reply",
    "Say",
    "SmsKeyword",
    "VoiceAction",
    "register_menu",
    "register_sms_keywords",
    "sms_keywords",
    "temporary_registry",
    "ussd_menus",
    "voice_flows",
]


class RegistryConflict(Exception):
    """Two apps claimed the same keyword command, menu key or voice flow key."""


@dataclass(frozen=True)
class InboundContext:
    """Who is writing or calling, and through what. Built by `channels.inbound` for every request.

    `phone` is E.164; `commune` the caller's commune when known (dialled extension, profile), else None;
    `language` the language to answer in (the phone's remembered choice, else "fr"); `channel` a
    `core.choices.Channel` value (ussd, sms, voice, whatsapp: pass it on to services as `channel=`);
    `gateway` the provider name; `inbound_id` the stored `InboundMessage` id (an idempotency key for
    anything the handler queues: `sms_queue(idempotency_key=f"inbound:{context.inbound_id}")`);
    `language_remembered` True when `language` is the phone's remembered choice (not the default);
    `commune_bound` True when `commune` is the one of the gateway account that authenticated the request
    (a commune's own number): handlers must then not act in another commune named in the text.
    """

    phone: str
    commune: "Commune | None"
    language: str
    channel: str
    gateway: str
    inbound_id: int | None = None
    language_remembered: bool = False
    commune_bound: bool = False


SmsHandler = Callable[[InboundContext, str], "str | Reply"]


@dataclass(frozen=True)
class SmsKeyword:
    """A command reachable by SMS: its words per language (as people type them; matching ignores case,
    accents and one typo) and the handler called with the text after the keyword (it returns the reply
    text, or a Reply). `help_text` is listed by AIDE, in `order`. `words` may be given as lists."""

    command: str
    words: dict[str, tuple[str, ...]] = field(hash=False)
    handler: SmsHandler = field(hash=False)
    help_text: Any = ""
    order: int = 100

    def __post_init__(self) -> None:
        words = {language: tuple(items) for language, items in self.words.items()}
        object.__setattr__(self, "words", words)


@dataclass(frozen=True)
class MenuEntry:
    """An entry of the USSD main menu or of the voice main menu.

    `title` is a lazy translatable string (shown in the caller's language); `factory(context)` builds the
    entry's first screen (USSD: the menu engine's screen object) or first voice step; lower `order` first.
    `available(context)` may hide the entry (e.g. budget voting only during a vote); default: always shown.
    """

    key: str
    title: Any
    factory: Callable[[InboundContext], Any] = field(hash=False)
    order: int = 100
    available: Callable[[InboundContext], bool] | None = field(default=None, hash=False)

    def is_available(self, context: InboundContext) -> bool:
        return self.available is None or self.available(context)


@dataclass
class _Registry:
    sms: dict[str, SmsKeyword] = field(default_factory=dict)
    ussd: dict[str, MenuEntry] = field(default_factory=dict)
    voice: dict[str, MenuEntry] = field(default_factory=dict)


_registry = _Registry()


USSD = "ussd"
VOICE = "voice"


def _add(table: dict[str, Any], key: str, entry: Any, handler_of: Callable[[Any], object]) -> None:
    existing = table.get(key)
    if existing is not None and handler_of(existing) != handler_of(entry):
        raise RegistryConflict(f"{key!r} is already registered by {handler_of(existing)!r}")
    table[key] = entry


def register_sms_keywords(*keywords: SmsKeyword) -> None:
    """Register SMS commands (a table: one `SmsKeyword` per command; see SmsKeyword)."""
    for keyword in keywords:
        _add(_registry.sms, keyword.command, keyword, lambda item: item.handler)


def register_menu(menu: str, *entries: MenuEntry) -> None:
    """Add entries to the USSD main menu (`menu=USSD`: `factory` builds the first screen) or to the voice
    main menu (`menu=VOICE`: `factory` returns the flow; keypad choices in `order`). See MenuEntry."""
    table = {USSD: _registry.ussd, VOICE: _registry.voice}[menu]
    for entry in entries:
        _add(table, entry.key, entry, lambda item: item.factory)


def sms_keywords() -> list[SmsKeyword]:
    """Every registered SMS command, in help order."""
    return sorted(_registry.sms.values(), key=lambda item: (item.order, item.command))


def ussd_menus(context: InboundContext | None = None) -> list[MenuEntry]:
    """The USSD main menu entries in order (only those available to `context`, when given)."""
    return _ordered(_registry.ussd, context)


def voice_flows(context: InboundContext | None = None) -> list[MenuEntry]:
    """The voice main menu entries in order (only those available to `context`, when given)."""
    return _ordered(_registry.voice, context)


def _ordered(table: dict[str, MenuEntry], context: InboundContext | None) -> list[MenuEntry]:
    entries = sorted(table.values(), key=lambda item: (item.order, item.key))
    if context is None:
        return entries
    return [entry for entry in entries if entry.is_available(context)]


@contextmanager
def temporary_registry(*, keep: bool = False) -> Iterator[None]:
    """For tests: an empty registry (or a copy of the current one with `keep=True`), restored on exit."""
    saved = _Registry(sms=dict(_registry.sms), ussd=dict(_registry.ussd), voice=dict(_registry.voice))
    if not keep:
        _registry.sms.clear()
        _registry.ussd.clear()
        _registry.voice.clear()
    try:
        yield
    finally:
        _registry.sms, _registry.ussd, _registry.voice = saved.sms, saved.ussd, saved.voice
