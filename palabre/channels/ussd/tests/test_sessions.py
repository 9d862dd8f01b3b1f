import datetime

import pytest
from django.utils import timezone

from palabre.channels.models import UssdSession
from palabre.channels.ussd.sessions import caller_profile_set, new_answer, session_resumable


@pytest.mark.parametrize(
    ("previous", "text", "answer"),
    [
        ("", "", ""),
        ("", "1", "1"),
        ("1", "1*2", "2"),
        ("1*2", "1*2*La pompe * cassée", "La pompe * cassée"),
        ("1*2", "1*2*", ""),
        ("1*2", "5*3", "3"),  # a gateway that lost the history: its last answer
    ],
)
def test_new_answer(previous, text, answer):
    assert new_answer(previous, text) == answer


@pytest.mark.django_db
def test_only_a_recent_unfinished_session_past_the_main_menu_is_resumable():
    phone = "+2290197000001"
    deep = {"frames": [{"key": "a"}, {"key": "b"}]}
    current = UssdSession.objects.create(gateway="at", session_id="new", phone=phone)
    UssdSession.objects.create(gateway="at", session_id="top", phone=phone, state={"frames": [{"key": "a"}]})
    assert session_resumable(phone=phone, exclude=current) is None
    dropped = UssdSession.objects.create(gateway="at", session_id="deep", phone=phone, state=deep)
    assert session_resumable(phone=phone, exclude=current) == dropped
    assert session_resumable(phone="+2290197000002", exclude=current) is None
    later = timezone.now() + datetime.timedelta(minutes=5, seconds=1)
    assert session_resumable(phone=phone, exclude=current, now=later) is None
    UssdSession.objects.filter(pk=dropped.pk).update(is_finished=True)
    assert session_resumable(phone=phone, exclude=current) is None


@pytest.mark.django_db
def test_an_unknown_trait_is_refused():
    with pytest.raises(ValueError):
        caller_profile_set(phone="+2290197000001", trait="religion", value="x")
