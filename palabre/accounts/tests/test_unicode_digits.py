"""Numbers typed with `²`, Arabic-Indic or fullwidth digits, or very long ones, are refused with a French
message next to the field on the login forms and the profile: never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.accounts.phone import MESSAGES, read_benin_phone
from palabre.accounts.tests.factories import UserFactory
from palabre.core.models import OutboundMessage
from palabre.core.tests.odd_digits import ODD_NUMBERS, ODD_PHONES
from palabre.core.validators import ascii_digits, parse_ascii_int

pytestmark = pytest.mark.django_db
ODD = [*ODD_NUMBERS, *ODD_PHONES]


@pytest.mark.parametrize("typed", ODD)
def test_reading_a_phone_with_odd_digits_raises_a_validation_error(typed):
    with pytest.raises(ValidationError) as error:
        read_benin_phone(typed)
    assert error.value.messages[0] in {str(message) for message in MESSAGES.values()}


@pytest.mark.parametrize("typed", ODD)
def test_the_citizen_login_refuses_odd_digits_next_to_the_field(client, typed):
    response = client.post(reverse("accounts:login"), {"phone": typed})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("typed", ODD)
def test_the_staff_login_refuses_odd_digits_next_to_the_field(client, typed):
    response = client.post(reverse("accounts:staff_login"), {"phone": typed, "password": "x"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize("code", ["\u0661\u0662\u0663\u0664\u0665\u0666", "\uff11" * 6, "\u00b2" * 6])
def test_a_one_time_code_in_other_digits_is_refused(client, code):
    client.post(reverse("accounts:login"), {"phone": "01 97 12 34 56"})
    response = client.post(reverse("accounts:verify"), {"code": code})
    assert "Le code a 6 chiffres." in response.content.decode()


@pytest.mark.parametrize("typed", [*ODD_NUMBERS, "9" * 25])
def test_the_profile_with_odd_digits_is_refused_not_a_500(client, typed):
    client.force_login(UserFactory())
    data = {"arrondissement": typed, "birth_year": typed, "show_villages": "1"}
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code in (200, 400)


ASCII_CASES = [
    ("12", True, 12),
    ("007", True, 7),
    ("\u00b2", False, None),
    ("\uff11", False, None),
    ("", False, None),
    ("-1", False, None),
    (" 1", False, None),
    ("9" * 19, True, None),
    (None, False, None),
    (5, False, None),
]


@pytest.mark.parametrize(("text", "digits", "number"), ASCII_CASES)
def test_ascii_digits_and_parse_ascii_int(text, digits, number):
    assert (ascii_digits(text), parse_ascii_int(text)) == (digits, number)
