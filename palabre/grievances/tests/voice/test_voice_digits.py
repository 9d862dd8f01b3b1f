"""Keys of a voice call are ASCII digits: anything else (`²`, Arabic-Indic or fullwidth digits, a very long
number) asks again, never a 500 and never another choice."""

import pytest

from palabre.channels.tests.conftest import recorded
from palabre.core.tests.odd_digits import ODD_NUMBERS
from palabre.grievances.tests.voice.test_voice_calls import callback_of, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("digits", [*ODD_NUMBERS, "0" * 30 + "1"])
def test_keys_that_are_not_ascii_digits_ask_again(client, bohicon, digits):
    first = post(client, recorded("africastalking", "voice_call"))
    again = post(
        client, {**recorded("africastalking", "voice_digits"), "dtmfDigits": digits}, callback_of(first)
    )
    assert again.status_code == 200
    content = again.content.decode()
    assert "Choix non compris" in content and "<GetDigits" in content
