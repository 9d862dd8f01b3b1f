"""How an SMS travels: GSM-7 or UCS-2, how many segments, what it costs, where to cut a long text.

Pure Python (no Django import). Rules of 3GPP TS 23.038 / 23.040:
- GSM-7: the basic table costs one septet per character, the extension table (`€ [ ] { } ~ ^ | \\` and form
  feed) two (escape + character). One SMS holds 160 septets; a concatenated one 153 per segment (the
  header takes the rest), and an escape pair is never cut between two segments.
- UCS-2 (UTF-16 on today's phones): any character outside both tables forces it for the whole message:
  Fon `ɛ ɔ`, Yoruba `ẹ ọ ṣ`, combining tone marks, but also French `ê â ô ç`. One SMS holds 70 code units,
  a concatenated one 67 per segment; a surrogate pair (emoji) is never cut.
Texts are measured as they will be sent: NFC-normalised (`e` + combining acute becomes `é`, a GSM-7 char).
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

GSM7 = "gsm7"
UCS2 = "ucs2"

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_LIMIT = {GSM7: 160, UCS2: 70}
MULTI_LIMIT = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class SegmentInfo:
    """What a text costs to send: its encoding, its length in units (septets or UTF-16 code units), its
    segments, and the room left in the last segment."""

    encoding: str
    units: int
    segments: int
    remaining: int


def prepare(text: str) -> str:
    """The text as it will be sent: NFC, so decomposed accents count as the precomposed character."""
    return unicodedata.normalize("NFC", text or "")


def encoding_of(text: str) -> str:
    """GSM7 if every character is in the GSM 03.38 basic or extension table, else UCS2."""
    allowed = GSM7_BASIC | GSM7_EXTENSION
    return GSM7 if all(char in allowed for char in prepare(text)) else UCS2


def non_gsm_characters(text: str) -> list[str]:
    """The distinct characters that force UCS-2, in order of appearance (shown to staff)."""
    seen: dict[str, None] = {}
    for char in prepare(text):
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION:
            seen.setdefault(char, None)
    return list(seen)


def _unit_costs(text: str, encoding: str) -> list[int]:
    """The indivisible units of the text: one per character, 2 for an escape pair or a surrogate pair."""
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _pack(costs: list[int], limit: int) -> list[int]:
    """How full each segment is when the units are packed in order without cutting one."""
    fills = [0]
    for cost in costs:
        if fills[-1] + cost > limit:
            fills.append(0)
        fills[-1] += cost
    return fills


def segment_info(text: str) -> SegmentInfo:
    """Encoding, length and segment count of `text` (an empty text still costs one segment)."""
    text = prepare(text)
    encoding = encoding_of(text)
    costs = _unit_costs(text, encoding)
    units = sum(costs)
    if units <= SINGLE_LIMIT[encoding]:
        return SegmentInfo(encoding, units, 1, SINGLE_LIMIT[encoding] - units)
    fills = _pack(costs, MULTI_LIMIT[encoding])
    return SegmentInfo(encoding, units, len(fills), MULTI_LIMIT[encoding] - fills[-1])


def estimate_cost(*, segments: int, recipients: int, price_per_segment: Decimal) -> Decimal:
    """What a send costs (in the price's currency, XOF for Palabre): segments x recipients x price."""
    return Decimal(segments) * Decimal(recipients) * price_per_segment


def split_at_words(text: str, *, limit: int | None = None) -> list[str]:
    """Cut `text` into parts that each fit in one standalone SMS, at spaces when possible.

    `limit` defaults to one SMS in the text's encoding (160 GSM-7 septets or 70 UCS-2 units). A word
    longer than a whole part is cut inside. Runs of whitespace between parts are dropped.
    """
    text = " ".join(prepare(text).split())
    if not text:
        return []
    encoding = encoding_of(text)
    limit = limit or SINGLE_LIMIT[encoding]
    parts: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _units(candidate, encoding) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        pieces = _cut_word(word, encoding, limit)
        parts.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        parts.append(current)
    return parts


def _units(text: str, encoding: str) -> int:
    return sum(_unit_costs(text, encoding))


def _cut_word(word: str, encoding: str, limit: int) -> list[str]:
    """A word in pieces of at most `limit` units (one piece if it fits)."""
    pieces = [""]
    for char in word:
        if _units(pieces[-1] + char, encoding) > limit:
            pieces.append("")
        pieces[-1] += char
    return pieces
