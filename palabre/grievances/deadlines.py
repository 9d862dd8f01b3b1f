"""Deadlines in working days: weekends and Benin's public holidays are not counted. Pure functions.

Holidays come from the `holidays` library (`country_holidays("BJ")`: New Year, the two Vodoun days of
January, Easter and Pentecost Mondays, Ascension, Labour Day, National Day, Assumption, All Saints,
Christmas, and the Muslim feasts, which the library estimates until the government announces them).
"""

import datetime
import math
from functools import lru_cache

import holidays

SATURDAY = 5
URGENT = "urgent"


@lru_cache(maxsize=64)
def _benin_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("BJ", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < SATURDAY and day not in _benin_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (the start day itself never counts; 0 gives `start`)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_for(days: int, severity: str) -> int:
    """The category's delay for this severity: an urgent complaint gets half of it (at least one day)."""
    if severity == URGENT:
        return max(1, math.ceil(days / 2))
    return days


def due_dates(
    *, filed_on: datetime.date, ack_days: int, resolve_days: int, severity: str
) -> tuple[datetime.date, datetime.date]:
    """(acknowledge by, resolve by) for a complaint filed on `filed_on`."""
    return (
        add_working_days(filed_on, working_days_for(ack_days, severity)),
        add_working_days(filed_on, working_days_for(resolve_days, severity)),
    )
