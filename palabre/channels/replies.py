"""What a channel handler answers: a `Reply` (text, continue or end, voice actions).

Pure Python. Gateways turn a Reply into their wire format: Africa's Talking USSD `CON `/`END ` text,
TwiML `<Message>`, the Africa's Talking voice XML (`Say`, `Play`, `GetDigits`, `Record`), a WhatsApp send.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    """Text read aloud by the provider's text-to-speech (French voice unless `voice` names another)."""

    text: str
    voice: str = ""


@dataclass(frozen=True)
class Play:
    """An audio file (absolute URL) played to the caller: the prompts a commune uploads per language."""

    url: str


@dataclass(frozen=True)
class GetDigits:
    """Ask for keypad digits; the provider calls `callback_url` (or the voice route) with `dtmfDigits`."""

    prompt: Say | Play
    num_digits: int = 1
    timeout: int = 10
    finish_on_key: str = "#"
    callback_url: str = ""


@dataclass(frozen=True)
class Record:
    """Record the caller after a prompt; the provider then calls back with `recordingUrl`."""

    prompt: Say | Play
    max_length: int = 120
    finish_on_key: str = "#"
    trim_silence: bool = True
    play_beep: bool = True
    callback_url: str = ""


VoiceAction = Say | Play | GetDigits | Record


@dataclass(frozen=True)
class Reply:
    """A handler's answer.

    `text`: what the person reads (USSD screen, SMS or WhatsApp reply; empty: nothing is sent back);
    `end`: USSD only, True closes the session (`END`), False waits for an answer (`CON`);
    `voice`: the actions of a voice callback answer, in order;
    `commune_id`: the commune the request turned out to concern, if the handler learned it (stored on the
    inbound message, so that commune's staff see it).
    """

    text: str = ""
    end: bool = True
    voice: tuple[VoiceAction, ...] = ()
    commune_id: int | None = None
