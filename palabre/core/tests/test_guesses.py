"""core/guesses.py: unknown codes counted per scope and address, the limit, its sliding window, the purge."""

import datetime

import pytest

from palabre.core.guesses import MAX_FAILURES, WINDOW
from palabre.core.models import CodeGuessFailure
from palabre.core.services import GuessesLimited, guarded_lookup

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
SCOPE = "tests.code"
ADDRESS = "a" * 64


class Lookup:
    """A lookup that answers `found` and remembers how often it ran."""

    def __init__(self, found=None):
        self.found = found
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.found


def guess(found=None, *, now=START, scope=SCOPE, ip_hash=ADDRESS, **limits):
    return guarded_lookup(scope=scope, ip_hash=ip_hash, lookup=Lookup(found), now=now, **limits)


def fail(times: int, *, now=START, **kwargs) -> None:
    for _ in range(times):
        assert guess(now=now, **kwargs) is None


def test_a_found_code_is_returned_and_not_counted():
    assert guess("the complaint") == "the complaint"
    assert not CodeGuessFailure.objects.exists()


def test_an_unknown_code_is_counted_for_its_scope_and_address():
    assert guess() is None
    failure = CodeGuessFailure.objects.get()
    assert (failure.scope, failure.ip_hash, failure.created_at) == (SCOPE, ADDRESS, START)


def test_limit_reached_refuses_without_looking_up():
    fail(MAX_FAILURES - 1)
    assert guess("found", now=START + datetime.timedelta(minutes=1)) == "found"
    fail(1, now=START + datetime.timedelta(minutes=1))
    lookup = Lookup("found")
    now = START + datetime.timedelta(minutes=20)
    with pytest.raises(GuessesLimited) as limited:
        guarded_lookup(scope=SCOPE, ip_hash=ADDRESS, lookup=lookup, now=now)
    assert lookup.calls == 0
    assert limited.value.retry_at == START + WINDOW
    assert limited.value.minutes == 40
    assert limited.value.message == "Trop de codes inconnus ont été essayés. Réessayez dans 40 minutes."
    assert CodeGuessFailure.objects.count() == MAX_FAILURES


def test_the_wait_is_rounded_up_to_one_minute_at_least():
    fail(MAX_FAILURES)
    with pytest.raises(GuessesLimited) as limited:
        guess(now=START + WINDOW - datetime.timedelta(seconds=10))
    assert limited.value.minutes == 1
    assert limited.value.message == "Trop de codes inconnus ont été essayés. Réessayez dans 1 minute."


def test_the_window_slides_with_the_oldest_failure():
    for minute in range(MAX_FAILURES):
        fail(1, now=START + datetime.timedelta(minutes=minute))
    with pytest.raises(GuessesLimited):
        guess("found", now=START + WINDOW - datetime.timedelta(seconds=1))
    # The first failure has left the hour: one more try, which fails and fills the limit again...
    fail(1, now=START + WINDOW + datetime.timedelta(seconds=1))
    with pytest.raises(GuessesLimited) as limited:
        guess("found", now=START + WINDOW + datetime.timedelta(seconds=2))
    # ...until the second one leaves it, a minute after the first.
    assert limited.value.retry_at == START + datetime.timedelta(minutes=1) + WINDOW
    assert guess("found", now=START + WINDOW + datetime.timedelta(minutes=1, seconds=1)) == "found"


def test_scopes_and_addresses_are_counted_apart():
    fail(MAX_FAILURES)
    assert guess("found", scope="tests.other") == "found"
    assert guess("found", ip_hash="b" * 64) == "found"
    with pytest.raises(GuessesLimited):
        guess("found")


def test_limits_can_be_set_per_caller():
    window = datetime.timedelta(minutes=5)
    fail(2, window=window, max_failures=2)
    with pytest.raises(GuessesLimited) as limited:
        guess("found", window=window, max_failures=2, now=START + datetime.timedelta(minutes=2))
    assert limited.value.minutes == 3
    assert guess("found", window=window, max_failures=2, now=START + window) == "found"


def test_old_failures_of_the_scope_are_purged():
    fail(3)
    fail(2, scope="tests.other")
    fail(1, ip_hash="b" * 64)
    assert guess("found", now=START + WINDOW) == "found"
    remaining = CodeGuessFailure.objects.values_list("scope", flat=True)
    assert sorted(remaining) == ["tests.other", "tests.other"]
