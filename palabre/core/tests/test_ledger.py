import datetime

import pytest
from django.utils import timezone

from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.models import ParticipationAct
from palabre.core.queries import participation_breakdown
from palabre.core.services import participation_forget, participation_record

pytestmark = pytest.mark.django_db

COMMUNE = 11
OTHER_COMMUNE = 12


def act(**fields):
    values = {
        "commune_id": COMMUNE,
        "module": "grievances",
        "kind": "complaint.filed",
        "channel": Channel.WEB,
    }
    return participation_record(**(values | fields))


def test_record_keeps_the_participants_declared_traits():
    recorded = act(user_id=5, gender=Gender.FEMALE, age_band=AgeBand.FROM_18_TO_24, arrondissement_id=3)
    stored = ParticipationAct.objects.get(pk=recorded.pk)
    assert (stored.user_id, stored.gender, stored.age_band, stored.arrondissement_id) == (5, "f", "18-24", 3)
    assert stored.occurred_at <= timezone.now()


def test_record_refuses_an_unknown_channel():
    with pytest.raises(ValueError, match="channel"):
        act(channel="pigeon")


def test_forget_detaches_only_that_persons_acts():
    act(user_id=5, gender=Gender.FEMALE)
    act(user_id=5)
    act(user_id=6)
    assert participation_forget(user_id=5) == 2
    assert ParticipationAct.objects.filter(user_id=None).count() == 2
    assert ParticipationAct.objects.filter(user_id=6).count() == 1
    assert ParticipationAct.objects.filter(gender=Gender.FEMALE, user_id=None).exists()


def test_breakdown_by_gender_counts_undeclared_apart_and_ignores_other_communes():
    act(gender=Gender.FEMALE)
    act(gender=Gender.FEMALE)
    act(gender=Gender.MALE)
    act()
    act(gender=Gender.MALE, commune_id=OTHER_COMMUNE)
    assert participation_breakdown(commune_id=COMMUNE, dimension="gender") == {"f": 2, "": 1, "m": 1}


@pytest.mark.parametrize(
    ("dimension", "fields", "value"),
    [
        ("age_band", {"age_band": AgeBand.FROM_65}, "65+"),
        ("arrondissement_id", {"arrondissement_id": 8}, 8),
        ("channel", {"channel": Channel.USSD}, "ussd"),
    ],
)
def test_breakdown_by_each_dimension(dimension, fields, value):
    act(**fields)
    act(**fields)
    act()
    breakdown = participation_breakdown(commune_id=COMMUNE, dimension=dimension)
    assert breakdown[value] == 2
    assert sum(breakdown.values()) == 3


def test_breakdown_filters_by_module_and_period():
    act(module="budgeting")
    act(module="grievances")
    old = act(module="grievances")
    ParticipationAct.objects.filter(pk=old.pk).update(
        occurred_at=timezone.now() - datetime.timedelta(days=40)
    )
    since = timezone.now() - datetime.timedelta(days=30)
    assert participation_breakdown(commune_id=COMMUNE, dimension="channel", module="grievances") == {"web": 2}
    assert participation_breakdown(commune_id=COMMUNE, dimension="channel", since=since) == {"web": 2}
    assert participation_breakdown(commune_id=COMMUNE, dimension="channel", until=since) == {"web": 1}


def test_breakdown_refuses_an_unknown_dimension():
    with pytest.raises(ValueError, match="dimension"):
        participation_breakdown(commune_id=COMMUNE, dimension="user_id")


def test_breakdown_is_one_query(django_assert_num_queries):
    act(gender=Gender.MALE)
    with django_assert_num_queries(1):
        participation_breakdown(commune_id=COMMUNE, dimension="gender")
