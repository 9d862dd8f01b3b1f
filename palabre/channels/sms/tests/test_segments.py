import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palabre.channels.sms.segments import (
    GSM7,
    UCS2,
    encoding_of,
    estimate_cost,
    non_gsm_characters,
    segment_info,
    split_at_words,
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Réunion publique à Sèmè, mardi 10h.", GSM7),
        ("Prix : 100 € {salle} [B] ~ | ^ \\", GSM7),
        ("Fɔn: ɖo xɔ", UCS2),  # Fon open vowels
        ("Ìpàdé ní ọjà", UCS2),  # Yoruba under-dot
        ("ṣé", UCS2),
        ("a\u0300", GSM7),  # a + combining grave is à once NFC-normalised: in GSM-7
        ("Forêt", UCS2),  # French ê is not in GSM-7
        ("e\u0301té", GSM7),  # decomposed é becomes é (GSM-7) once NFC-normalised
    ],
)
def test_encoding(text, encoding):
    assert encoding_of(text) == encoding


def test_combining_tone_mark_alone_forces_ucs2():
    assert encoding_of("o\u0300 o\u0304") == UCS2  # o grave is not GSM-7; macron never is


def test_gsm_160_is_one_segment_161_is_two():
    assert segment_info("a" * 160).segments == 1
    assert segment_info("a" * 160).remaining == 0
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2
    assert segment_info("a" * 307).segments == 3


def test_extension_characters_count_double():
    info = segment_info("€" * 80)
    assert (info.encoding, info.units, info.segments) == (GSM7, 160, 1)
    assert segment_info("€" * 80 + "a").segments == 2


def test_escape_pair_is_never_cut_between_segments():
    # 152 septets then an extension char (2): it does not fit in segment 1 (153), so it moves on.
    info = segment_info("a" * 152 + "€" + "a" * 10)
    assert info.units == 164
    assert info.segments == 2
    assert info.remaining == 153 - 12


def test_ucs2_70_is_one_segment_71_is_two():
    assert segment_info("ɛ" * 70).segments == 1
    assert segment_info("ɛ" * 71).segments == 2
    assert segment_info("ɛ" * 134).segments == 2
    assert segment_info("ɛ" * 135).segments == 3


def test_fon_and_yoruba_texts():
    fon = "Mɛ lɛ bi ni wá xwé tò ɔ mɛ"
    yoruba = "Ẹ jọ̀wọ́, ìpàdé gbogbo ènìyàn ní ọjọ́ Ìṣẹ́gun"
    assert segment_info(fon).encoding == UCS2
    assert segment_info(yoruba).encoding == UCS2
    assert segment_info(yoruba * 2).segments == 2


def test_emoji_counts_two_units_and_is_not_cut():
    info = segment_info("ɛ" * 66 + "😀")
    assert (info.units, info.segments) == (68, 1)
    assert segment_info("ɛ" * 66 + "😀" + "ɛ" * 4).segments == 2


def test_empty_text_is_one_segment():
    assert segment_info("").segments == 1


def test_non_gsm_characters_lists_culprits_once():
    assert non_gsm_characters("ɛ ɔ ɛ ê é") == ["ɛ", "ɔ", "ê"]


def test_cost():
    assert estimate_cost(segments=2, recipients=150, price_per_segment=Decimal("25")) == Decimal("7500")


def test_split_at_words_keeps_words_whole():
    text = " ".join(["mot"] * 100)  # 399 chars
    parts = split_at_words(text)
    assert all(len(part) <= 160 for part in parts)
    assert " ".join(parts) == text
    assert all(not part.startswith(" ") and not part.endswith(" ") for part in parts)


def test_split_ucs2_uses_70():
    text = " ".join(["ɛɔ"] * 50)
    parts = split_at_words(text)
    assert all(len(part) <= 70 for part in parts)
    assert " ".join(parts) == text


def test_split_cuts_a_word_longer_than_a_part():
    assert split_at_words("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_at_words("ab " + "x" * 12, limit=10) == ["ab", "x" * 10, "xx"]


def test_split_empty():
    assert split_at_words("   ") == []


@given(st.text(max_size=600))
def test_split_parts_are_single_sms_and_keep_every_word(text):
    parts = split_at_words(text)
    assert all(segment_info(part).segments == 1 for part in parts)
    assert "".join(parts).replace(" ", "") == "".join(unicodedata.normalize("NFC", text).split())


@given(st.text(max_size=800))
def test_segment_info_is_consistent(text):
    info = segment_info(text)
    assert info.segments >= 1
    assert info.remaining >= 0
    single = 160 if info.encoding == GSM7 else 70
    assert (info.segments == 1) == (info.units <= single)
