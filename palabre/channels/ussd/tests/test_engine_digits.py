"""A choice is a number in ASCII digits: `²`, Arabic-Indic, fullwidth or other scripts' digits, or a very long
number is not a choice (str.isdigit() takes them, int() then refuses some and reads others as another
number)."""

import pytest

from palabre.channels.ussd.tests.test_engine import run
from palabre.core.tests.odd_digits import ODD_NUMBERS


@pytest.mark.parametrize("typed", [*ODD_NUMBERS, "\u00b9", "\u0661", "0" * 30 + "1", "+1", "1.0"])
def test_a_number_that_is_not_in_ascii_digits_is_not_a_valid_choice(typed):
    state, outputs = run(typed)
    assert outputs[-1].text.startswith("Choix non valable.\nBienvenue")
    assert not outputs[-1].end
    assert len(state.frames) == 1


def test_ascii_digits_still_choose():
    _state, outputs = run("3")
    assert outputs[-1].text == "Au revoir."
