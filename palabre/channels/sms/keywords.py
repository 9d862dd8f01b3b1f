"""Reading an inbound SMS: which keyword it starts with, and what follows.

Pure Python (no Django import). People type on feature phones, in French or a national language, with or
without accents, in any case, with typos: `plainte`, `PLAINTE:`, `Plinte`, `suivie boh 7k3m`, `ẹ̀dùn`. The
first word is compared with every registered keyword after folding (accents, tone marks and case removed,
Fon `ɛ ɔ ɖ` read as `E O D`); when no keyword matches exactly, a keyword of 5 letters or more also
matches a word one edit away (a letter missing, added or replaced), unless that word is a common French
word or close to two different commands. Never raises, whatever the text.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

FUZZY_MIN_LENGTH = 5
# Real words one edit away from a keyword: they start ordinary messages and must not trigger a command.
NOT_KEYWORDS = frozenset({"ARRETE", "ARRETES", "SMART", "STARS", "STARTS", "NOTES", "NOTRE", "VOTRE"})
# Letters that do not decompose into a base letter + marks.
FOLDED_LETTERS = str.maketrans(
    {"ɛ": "E", "Ɛ": "E", "ɔ": "O", "Ɔ": "O", "ɖ": "D", "Ɖ": "D", "ŋ": "N", "Ŋ": "N", "œ": "OE", "Œ": "OE",
     "æ": "AE", "Æ": "AE", "ß": "SS", "ƒ": "F", "Ƒ": "F", "\u028b": "V", "\u01b2": "V"}
)  # fmt: skip
ARGUMENT_SEPARATORS = " \t\r\n:;,.-_#*=/!?"


@dataclass(frozen=True)
class Keyword:
    """A command and the words that call it, per language (`{"fr": ("PLAINTE",), "yo": ("EDUN",)}`).

    Words are written as people type them; they are folded when the table is built."""

    command: str
    words: dict[str, tuple[str, ...]] = field(hash=False)


@dataclass(frozen=True)
class ParsedCommand:
    """What an SMS asks. `command` is None when no keyword was recognised (then `args` is the whole text).

    `word` is the folded first word as typed, `language` the language of the keyword it matched (None if
    no match), `fuzzy` True when it matched a misspelling."""

    command: str | None
    args: str
    word: str = ""
    language: str | None = None
    fuzzy: bool = False

    @property
    def matched(self) -> bool:
        return self.command is not None


# The channel's own commands; domain apps register theirs (PLAINTE, SUIVI...) through the router.
HELP = "help"
STOP = "stop"
START = "start"
# National-language words are proposals awaiting native speakers' review: see docs/channels.md.
CHANNEL_KEYWORDS = (
    Keyword(HELP, {"fr": ("AIDE", "INFO", "MENU"), "en": ("HELP",), "fon": ("ALƆDO",), "yo": ("ÌRÀNLỌ́WỌ́",)}),
    Keyword(
        STOP,
        {
            "fr": ("STOP", "STOPP", "ARRÊT", "ARRÊTER", "ARRÊTEZ", "DÉSABONNER"),
            "en": ("UNSUBSCRIBE",),
            "yo": ("DÚRÓ",),
        },
    ),
    Keyword(START, {"fr": ("START", "REPRENDRE", "ABONNER"), "en": ("SUBSCRIBE",), "yo": ("BẸ̀RẸ̀",)}),
)


def fold(word: str) -> str:
    """`Plaìnte` -> `PLAINTE`, `ẹ̀dùn` -> `EDUN`, `alɔdó` -> `ALODO`: letters and digits only, upper case."""
    decomposed = unicodedata.normalize("NFKD", word.translate(FOLDED_LETTERS))
    kept = (char for char in decomposed if not unicodedata.combining(char) and char.isalnum())
    return "".join(kept).upper()


def _is_word_char(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char).startswith("M")


def split_first_word(text: str) -> tuple[str, str]:
    """(first word of letters, the rest without its leading separators): `SUIVI:BOH-7K3M` ->
    (`SUIVI`, `BOH-7K3M`). No word if the text starts with a digit: `("", text)`."""
    text = unicodedata.normalize("NFC", text or "").strip()
    start = 0
    while start < len(text) and not text[start].isalnum():
        start += 1
    end = start
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    if end == start:
        return "", text
    return text[start:end], text[end:].lstrip(ARGUMENT_SEPARATORS)


def edit_distance_at_most_one(left: str, right: str) -> bool:
    """True if `left` becomes `right` by at most one insertion, deletion or substitution."""
    if abs(len(left) - len(right)) > 1:
        return False
    if len(left) > len(right):
        left, right = right, left
    index = 0
    while index < len(left) and left[index] == right[index]:
        index += 1
    if len(left) == len(right):
        return left[index + 1 :] == right[index + 1 :]
    return left[index:] == right[index + 1 :]


class KeywordTable:
    """The keywords in use, folded once, to parse many messages."""

    def __init__(self, keywords: Iterable[Keyword]):
        self._exact: dict[str, tuple[str, str]] = {}
        for keyword in keywords:
            for language, words in keyword.words.items():
                for word in words:
                    self._exact.setdefault(fold(word), (keyword.command, language))
        self._fuzzy = [
            (word, target) for word, target in self._exact.items() if len(word) >= FUZZY_MIN_LENGTH
        ]

    def parse(self, text: str) -> ParsedCommand:
        text = unicodedata.normalize("NFC", text or "").strip()
        first, rest = split_first_word(text)
        word = fold(first)
        if word in self._exact:
            command, language = self._exact[word]
            return ParsedCommand(command=command, args=rest, word=word, language=language)
        target = self._closest(word) if word else None
        if target is None:
            return ParsedCommand(command=None, args=text, word=word)
        command, language = target
        return ParsedCommand(command=command, args=rest, word=word, language=language, fuzzy=True)

    def _closest(self, word: str) -> tuple[str, str] | None:
        """The only command whose long keyword is one edit away from `word`, else None."""
        if word in NOT_KEYWORDS or len(word) < FUZZY_MIN_LENGTH - 1:
            return None
        targets = {target for known, target in self._fuzzy if edit_distance_at_most_one(word, known)}
        if len({command for command, _ in targets}) != 1:
            return None
        return min(targets)
