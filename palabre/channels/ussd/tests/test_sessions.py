import datetime

import pytest
from django.utils import timezone

from palabre.channels.models import UssdSession
from palabre.channels.ussd.engine import Frame, State
from palabre.channels.ussd.sessions import (
    TEXT_PURPOSE,
    caller_profile_set,
    new_answer,
    session_open,
    session_resumable,
    session_save,
    session_state,
)
from palabre.core.keyed import keyed_hash, phone_key


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
    session = UssdSession(
        last_text_length=len(previous), last_text_digest=keyed_hash(previous, purpose=TEXT_PURPOSE)
    )
    assert new_answer(session, text) == answer


@pytest.mark.django_db
def test_only_a_recent_session_past_the_main_menu_is_resumable():
    phone = "+2290197000001"
    key = phone_key(phone)
    current = UssdSession.objects.create(gateway="at", session_id="new", phone_key=key)
    UssdSession.objects.create(gateway="at", session_id="top", phone_key=key, depth=1)
    assert session_resumable(phone=phone, exclude=current) is None
    dropped = UssdSession.objects.create(gateway="at", session_id="deep", phone_key=key, depth=2)
    assert session_resumable(phone=phone, exclude=current) == dropped
    assert session_resumable(phone="+2290197000002", exclude=current) is None
    later = timezone.now() + datetime.timedelta(minutes=5, seconds=1)
    assert session_resumable(phone=phone, exclude=current, now=later) is None


@pytest.mark.django_db
def test_a_session_is_sealed_while_it_runs_and_deleted_when_it_ends():
    session = UssdSession.objects.create(gateway="at", session_id="s", phone_key=phone_key("+2290197000001"))
    state = State(frames=[Frame(key="root"), Frame(key="vote", data={"chosen": [5]})])
    session_save(session=session, state=state, text="2*1*Tables-bancs")
    stored = str(UssdSession.objects.values().get())
    assert "chosen" not in stored and "Tables" not in stored and "+229" not in stored
    assert session_state(UssdSession.objects.get()).to_json() == state.to_json()
    state.finished = True
    session_save(session=session, state=state, text="2*1*Tables-bancs*1")
    assert not UssdSession.objects.exists()


@pytest.mark.django_db
def test_a_seal_opened_with_another_key_gives_nothing(settings):
    session = UssdSession.objects.create(gateway="at", session_id="s", phone_key="k")
    session_save(session=session, state=State(frames=[Frame(key="root")]), text="")
    settings.SECRET_KEY = "another-key-" * 5
    assert session_state(UssdSession.objects.get()) is None


@pytest.mark.django_db
def test_sessions_past_the_resume_window_are_deleted_by_the_next_first_step():
    old = UssdSession.objects.create(gateway="at", session_id="old", phone_key="k")
    UssdSession.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=6))
    recent = UssdSession.objects.create(gateway="at", session_id="recent", phone_key="k")
    session_open(gateway="at", session_id="other", phone="+2290197000003")
    assert set(UssdSession.objects.values_list("session_id", flat=True)) == {recent.session_id, "other"}


@pytest.mark.django_db
def test_an_unknown_trait_is_refused():
    with pytest.raises(ValueError):
        caller_profile_set(phone="+2290197000001", trait="religion", value="x")
