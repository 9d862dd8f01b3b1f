import pytest
from django.core.exceptions import ValidationError

from palabre.accounts.phone import national_format, parse_benin_phone, read_benin_phone


@pytest.mark.parametrize(
    "typed",
    [
        "0197123456",
        "01 97 12 34 56",
        "01.97.12.34.56",
        "01-97-12-34-56",
        " 01 97 12 34 56 ",
        "+2290197123456",
        "+229 01 97 12 34 56",
        "00229 01 97 12 34 56",
        "002290197123456",
        "2290197123456",
        "(+229) 01 97 12 34 56",
    ],
)
def test_new_ten_digit_numbers_in_every_spelling(typed):
    reading = read_benin_phone(typed)
    assert reading.phone.as_e164 == "+2290197123456"
    assert reading.converted_from_old is False


@pytest.mark.parametrize(
    "typed",
    ["97123456", "97 12 34 56", "97.12.34.56", "+229 97 12 34 56", "00229 97123456", "229 97 12 34 56"],
)
def test_old_eight_digit_numbers_are_converted(typed):
    reading = read_benin_phone(typed)
    assert reading.phone.as_e164 == "+2290197123456"
    assert reading.converted_from_old is True


@pytest.mark.parametrize("typed", ["0196000001", "0166123456", "0151000000", "0140000000", "0190000000"])
def test_mobile_ranges_are_accepted(typed):
    assert parse_benin_phone(typed).as_e164 == "+229" + typed


def _error_code(typed):
    with pytest.raises(ValidationError) as error:
        read_benin_phone(typed)
    return error.value.code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (" - . ", "empty"),
        ("01 97 AB 34 56", "not_digits"),
        ("+33 6 12 34 56 78", "foreign"),
        ("0033612345678", "foreign"),
        ("+228 90 12 34 56", "foreign"),
        ("9712345", "length"),
        ("971234567", "length"),
        ("019712345", "length"),
        ("01971234567", "length"),
        ("0297123456", "length"),
        ("+229 0197", "length"),
        ("0121000000", "not_mobile"),
        ("21 30 00 00", "not_mobile"),
        ("0100000000", "not_mobile"),
    ],
)
def test_wrong_numbers_are_refused_with_a_reason(typed, code):
    assert _error_code(typed) == code


def test_error_messages_are_plain_french():
    with pytest.raises(ValidationError) as error:
        read_benin_phone("12345")
    assert "10 chiffres" in error.value.messages[0]
    assert "01" in error.value.messages[0]


def test_national_format_groups_digits_by_two():
    assert national_format(parse_benin_phone("97123456")) == "01 97 12 34 56"


def test_none_is_empty():
    with pytest.raises(ValidationError):
        read_benin_phone(None)
