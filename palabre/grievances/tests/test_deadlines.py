import datetime

import pytest

from palabre.grievances.deadlines import add_working_days, due_dates, is_working_day, working_days_for

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2025, 3, 3), 0, D(2025, 3, 3)),  # zero days: the same day
        (D(2025, 3, 3), 2, D(2025, 3, 5)),  # Monday + 2 = Wednesday
        (D(2025, 3, 6), 2, D(2025, 3, 10)),  # Thursday + 2 skips the weekend
        (D(2025, 3, 8), 1, D(2025, 3, 10)),  # filed on Saturday: Monday is the first working day
        (D(2025, 1, 8), 1, D(2025, 1, 13)),  # Vodoun days (9 and 10 January) then the weekend
        (D(2025, 4, 18), 1, D(2025, 4, 22)),  # Easter Monday 21 April 2025
        (D(2025, 12, 24), 1, D(2025, 12, 26)),  # Christmas
        (D(2025, 12, 31), 1, D(2026, 1, 2)),  # New Year's Day, across the year end
        (D(2025, 7, 31), 1, D(2025, 8, 4)),  # National Day, Friday 1 August 2025
        (D(2025, 3, 3), 15, D(2025, 3, 24)),  # three full weeks
    ],
)
def test_add_working_days(start, days, expected):
    assert add_working_days(start, days) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 3, 3), -1)


def test_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(D(2026, 1, 9))  # Vodoun day
    assert not is_working_day(D(2025, 5, 1))  # Labour Day
    assert not is_working_day(D(2025, 3, 9))  # Sunday
    assert is_working_day(D(2025, 3, 10))


def test_urgent_halves_the_delay_rounding_up():
    assert working_days_for(15, "urgent") == 8
    assert working_days_for(1, "urgent") == 1
    assert working_days_for(15, "normal") == 15


def test_due_dates():
    ack, resolve = due_dates(filed_on=D(2025, 1, 6), ack_days=2, resolve_days=15, severity="normal")
    assert ack == D(2025, 1, 8)
    # 15 working days from Monday 6 January, skipping 9-10 January and three weekends.
    assert resolve == D(2025, 1, 29)
