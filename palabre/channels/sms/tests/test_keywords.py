import pytest
from hypothesis import given
from hypothesis import strategies as st

from palabre.channels.sms.keywords import (
    CHANNEL_KEYWORDS,
    HELP,
    START,
    STOP,
    Keyword,
    KeywordTable,
    edit_distance_at_most_one,
    fold,
    split_first_word,
)

KEYWORDS = (
    *CHANNEL_KEYWORDS,
    Keyword("complaint", {"fr": ("PLAINTE",), "fon": ("HWƐ",), "yo": ("ẸDÙN",)}),
    Keyword("track", {"fr": ("SUIVI",), "yo": ("TẸ̀LÉ",)}),
    Keyword("rate", {"fr": ("NOTE", "NOTER")}),
)
TABLE = KeywordTable(KEYWORDS)


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("PLAINTE La pompe est en panne", "complaint", "La pompe est en panne"),
        ("plainte la pompe", "complaint", "la pompe"),
        ("Plainte: pompe", "complaint", "pompe"),
        ("  PLAINTE.  pompe  ", "complaint", "pompe"),
        ("PLÂINTE pompe", "complaint", "pompe"),
        ("SUIVI BOH-7K3M", "track", "BOH-7K3M"),
        ("suivi:boh7k3m", "track", "boh7k3m"),
        ("NOTE BOH-7K3M 4", "rate", "BOH-7K3M 4"),
        ("aide", HELP, ""),
        ("Aidé", HELP, ""),
        ("STOP", STOP, ""),
        ("stop!", STOP, ""),
        ("Arrêter", STOP, ""),
        ("START", START, ""),
        ("ẹ̀dùn omi ò sí", "complaint", "omi ò sí"),
        ("EDUN omi", "complaint", "omi"),
        ("hwɛ sin", "complaint", "sin"),
        ("HWE sin", "complaint", "sin"),
        ("tẹ̀lé BOH-7K3M", "track", "BOH-7K3M"),
        ("alɔdo", HELP, ""),
        ("ìrànlọ́wọ́", HELP, ""),
    ],
)
def test_exact_keywords_any_case_or_accent(text, command, args):
    parsed = TABLE.parse(text)
    assert (parsed.command, parsed.args, parsed.fuzzy) == (command, args, False)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("PLINTE eau", "complaint"),  # a letter missing
        ("PLAINT eau", "complaint"),
        ("PLAINTES eau", "complaint"),  # a letter added
        ("PLAUNTE eau", "complaint"),  # a letter replaced
        ("SUIVIE BOH-7K3M", "track"),
        ("SUIV BOH-7K3M", "track"),
        ("SIVI BOH-7K3M", "track"),
        ("NOTEZ BOH-7K3M 5", "rate"),
        ("STRAT", None),  # two edits (transposition) away from START
        ("NOTRE route est coupée", None),  # a real word one edit from NOTER
        ("ARRÊTÉ municipal", None),
        ("AID", None),  # keywords under 5 letters match exactly only
        ("STO", None),
    ],
)
def test_misspellings_one_edit_from_long_keywords(text, command):
    parsed = TABLE.parse(text)
    assert parsed.command == command
    assert parsed.fuzzy == (command is not None)


def test_word_close_to_two_commands_is_not_guessed():
    table = KeywordTable([Keyword("a", {"fr": ("BALLE",)}), Keyword("b", {"fr": ("BELLE",)})])
    assert table.parse("BOLLE").command is None
    assert table.parse("BALLES").command == "a"


def test_unknown_message_keeps_whole_text():
    parsed = TABLE.parse("Bonjour, la route de Houéyogbé est coupée")
    assert parsed.command is None
    assert parsed.args == "Bonjour, la route de Houéyogbé est coupée"
    assert not parsed.matched


def test_text_starting_with_digits_has_no_keyword():
    assert TABLE.parse("12 PLAINTE").command is None


def test_language_of_the_matched_word():
    assert TABLE.parse("ẹdun x").language == "yo"
    assert TABLE.parse("PLAINTE x").language == "fr"
    assert TABLE.parse("HELP").language == "en"


def test_first_registration_of_a_word_wins():
    table = KeywordTable([Keyword("a", {"fr": ("MOT",)}), Keyword("b", {"fr": ("MOT",)})])
    assert table.parse("mot").command == "a"


@pytest.mark.parametrize(
    ("word", "folded"),
    [("Plaìnte", "PLAINTE"), ("ẹ̀dùn", "EDUN"), ("alɔdó", "ALODO"), ("ɖɛ", "DE"), ("Œuvre", "OEUVRE")],
)
def test_fold(word, folded):
    assert fold(word) == folded


def test_split_first_word():
    assert split_first_word("SUIVI:BOH-7K3M") == ("SUIVI", "BOH-7K3M")
    assert split_first_word("**AIDE") == ("AIDE", "")
    assert split_first_word("7 AIDE") == ("", "7 AIDE")


@pytest.mark.parametrize(
    ("left", "right", "close"),
    [
        ("PLAINTE", "PLAINTE", True),
        ("PLAINTE", "PLINTE", True),
        ("PLAINTE", "PLAINTEE", True),
        ("PLAINTE", "PLAUNTE", True),
        ("PLAINTE", "PLIANTE", False),
        ("PLAINTE", "PLAIN", False),
        ("A", "", True),
    ],
)
def test_edit_distance(left, right, close):
    assert edit_distance_at_most_one(left, right) is close
    assert edit_distance_at_most_one(right, left) is close


@given(st.text(max_size=400))
def test_parser_never_crashes(text):
    parsed = TABLE.parse(text)
    assert parsed.command is None or parsed.command in {keyword.command for keyword in KEYWORDS}
    assert isinstance(parsed.args, str)


@given(
    st.sampled_from(["PLAINTE", "plainte", "Plainte", "PLINTE", "plaint"]),
    st.sampled_from([" ", ": ", ".", " - ", "\n"]),
    st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), max_size=100),
)
def test_complaint_keyword_variants_with_any_text(keyword, separator, rest):
    assert TABLE.parse(f"{keyword}{separator}{rest}").command == "complaint"
