"""Reading Benin phone numbers as people type them.

Benin moved to 10-digit numbers on 30 November 2024 by putting `01` in front of the old 8 digits.
We accept spaces, dots, dashes, `+229`, `00229`, the national `01 XX XX XX XX` and old 8-digit numbers
(which we convert, and say so). Only mobile numbers are accepted: codes are sent by SMS. Only ASCII digits
count (superscript, Arabic-Indic or fullwidth digits are refused with a message, never an error page).
"""

import re
from typing import NamedTuple

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

from palabre.core.validators import ascii_digits

BENIN_COUNTRY_CODE = "229"
NEW_PREFIX = "01"
OLD_LENGTH = 8
NEW_LENGTH = 10

_SEPARATORS = re.compile(r"[\s.\-/()]+")
_MOBILE_TYPES = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}

MESSAGES = {
    "empty": _("Saisissez votre numéro de téléphone."),
    "not_digits": _("Un numéro de téléphone ne contient que des chiffres (et éventuellement + au début)."),
    "foreign": _("Saisissez un numéro du Bénin (indicatif +229)."),
    "length": _(
        "Un numéro du Bénin a 10 chiffres et commence par 01, par exemple 01 97 12 34 56 "
        "(les anciens numéros à 8 chiffres sont aussi acceptés)."
    ),
    "not_mobile": _("Ce numéro n'est pas un numéro de mobile valide au Bénin."),
}


class BeninPhone(NamedTuple):
    phone: PhoneNumber
    converted_from_old: bool


def _invalid(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def _national_digits(text: str) -> str:
    """The digits after any Benin country code; raises when the text is not a Benin number."""
    compact = _SEPARATORS.sub("", text)
    if not compact:
        raise _invalid("empty")
    international = compact.startswith("+")
    digits = compact.removeprefix("+")
    if not ascii_digits(digits):  # not str.isdigit(): it takes "²" and other scripts' digits
        raise _invalid("not_digits")
    if digits.startswith("00"):
        international, digits = True, digits[2:]
    if international:
        if not digits.startswith(BENIN_COUNTRY_CODE):
            raise _invalid("foreign")
        return digits[len(BENIN_COUNTRY_CODE) :]
    if len(digits) in (OLD_LENGTH + 3, NEW_LENGTH + 3) and digits.startswith(BENIN_COUNTRY_CODE):
        return digits[len(BENIN_COUNTRY_CODE) :]
    return digits


def read_benin_phone(text: str) -> BeninPhone:
    """The E.164 number typed in `text`, and whether it was an old 8-digit number we converted."""
    digits = _national_digits(text or "")
    converted = len(digits) == OLD_LENGTH
    if converted:
        digits = NEW_PREFIX + digits
    if len(digits) != NEW_LENGTH or not digits.startswith(NEW_PREFIX):
        raise _invalid("length")
    e164 = "+" + BENIN_COUNTRY_CODE + digits
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException as error:
        raise _invalid("not_mobile") from error
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise _invalid("not_mobile")
    return BeninPhone(PhoneNumber.from_string(e164), converted)


def parse_benin_phone(text: str) -> PhoneNumber:
    """The E.164 number typed in `text` (see the module docstring for what is accepted)."""
    return read_benin_phone(text).phone


def national_format(phone: PhoneNumber) -> str:
    """`01 97 12 34 56`: how people in Benin write their number."""
    return phonenumbers.format_number(phone, phonenumbers.PhoneNumberFormat.NATIONAL)
