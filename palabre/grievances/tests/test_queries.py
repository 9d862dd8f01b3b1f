import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palabre.grievances import queries, services
from palabre.grievances.models import Category
from palabre.grievances.tests.conftest import MONDAY
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory

OFFICER = {"complaints_officer"}
FOCAL = {"focal_point"}


def test_queue_hides_sensitive_complaints_from_non_focal_points(file_complaint, gbv):
    plain = file_complaint()
    sensitive = file_complaint(category=gbv)
    assert list(queries.officer_queue(commune=plain.commune, roles=OFFICER)) == [plain]
    assert set(queries.officer_queue(commune=plain.commune, roles=FOCAL)) == {plain, sensitive}
    assert not queries.officer_queue(commune=plain.commune, roles={"planning_officer"}).exists()


def test_queue_puts_overdue_first_then_oldest(file_complaint):
    old = file_complaint(now=MONDAY - datetime.timedelta(days=3))
    new = file_complaint()
    late = file_complaint(now=MONDAY - datetime.timedelta(days=1))
    late.is_overdue = True
    late.save()
    assert list(queries.officer_queue(commune=old.commune, roles=OFFICER)) == [late, old, new]


def test_queue_filters(file_complaint, officer, bohicon, village):
    roads = Category.objects.get(commune=bohicon, code="roads")
    in_village = file_complaint(village=village)
    road = file_complaint(category=roads, description="Nid de poule devant l'école")
    assigned = services.complaint_assign(complaint=file_complaint(), assignee=officer, by=officer)
    done = services.complaint_reject(complaint=file_complaint(), by=officer, reason="Hors sujet")

    def queue(**filters):
        return set(queries.officer_queue(commune=bohicon, roles=OFFICER, **filters))

    assert queue(category=roads) == {road}
    assert queue(arrondissement_id=village.arrondissement_id) == {in_village}
    assert queue(assignee_id=officer.pk) == {assigned}
    assert queue(status="rejected") == {done}
    assert done not in queue()
    assert queue(search="poule") == {road}
    assert queue(search=road.code.lower()) == {road}
    assert queue(overdue_only=True) == {assigned}  # assigned today, long after its deadline


def test_queue_query_count(file_complaint, officer, village, django_assert_num_queries):
    for _ in range(3):
        services.complaint_assign(complaint=file_complaint(village=village), assignee=officer, by=officer)
    with django_assert_num_queries(1):
        rows = list(queries.officer_queue(commune=village.arrondissement.commune, roles=OFFICER))
        [
            (row.category.name, row.village.name, row.arrondissement.name, row.assignee.display_name)
            for row in rows
        ]


def test_public_list_never_shows_sensitive_complaints_and_hides_names(
    file_complaint, gbv, django_assert_num_queries
):
    shown = file_complaint(name_public=True)
    hidden_name = file_complaint()
    file_complaint(category=gbv, name_public=True)
    with django_assert_num_queries(1):
        rows = list(queries.public_complaints(commune=shown.commune))
        names = {row.code: (row.public_name, row.category.name) for row in rows}
    assert set(names) == {shown.code, hidden_name.code}
    assert names[shown.code][0] == "Afi Houngbo"
    assert names[hidden_name.code][0] == ""


def test_timeline_public_and_staff(file_complaint, officer, django_assert_num_queries):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer)
    services.complaint_note(complaint=complaint, by=officer, text="Appeler le fontainier")
    with django_assert_num_queries(1):
        kinds = [(event.kind, event.actor) for event in queries.complaint_timeline(complaint)]
    assert [kind for kind, _actor in kinds] == ["filed", "acknowledged"]
    assert len(queries.complaint_timeline(complaint, public_only=False)) == 3


def test_similar_open_complaints_for_me_too(file_complaint, village, gbv, officer):
    same = file_complaint(village=village)
    file_complaint()  # no village
    services.complaint_reject(complaint=file_complaint(village=village), by=officer, reason="Hors sujet")
    file_complaint(category=gbv, village=village)
    similar = queries.complaint_similar_open(
        commune=same.commune, category=same.category, village_id=village.pk
    )
    assert list(similar) == [same]
    assert not queries.complaint_similar_open(commune=same.commune, category=gbv, village_id=village.pk)
    assert not queries.complaint_similar_open(commune=same.commune, category=same.category, village_id=None)


def test_assignable_officers(file_complaint, gbv, officer, focal_point, bohicon, staff):
    staff(bohicon, "planning_officer")
    assert set(queries.assignable_officers(file_complaint())) == {officer, focal_point}
    assert list(queries.assignable_officers(file_complaint(category=gbv))) == [focal_point]


@pytest.fixture
def statistics_data(bohicon, file_complaint, officer, gbv):
    """6 water complaints in Passagon (5 resolved on time), 2 road complaints, 4 then 5 sensitive ones."""
    passagon = VillageFactory(arrondissement=ArrondissementFactory(commune=bohicon, name="Passagon"))
    roads = Category.objects.get(commune=bohicon, code="roads")
    for index in range(6):
        complaint = file_complaint(village=passagon, gender="f")
        if index < 5:
            complaint = services.complaint_acknowledge(complaint=complaint, by=officer, now=MONDAY)
            services.complaint_resolve(
                complaint=complaint,
                by=officer,
                message="Fait",
                now=MONDAY + datetime.timedelta(days=index + 1),
            )
    for _ in range(2):
        file_complaint(category=roads, gender="m")
    for _ in range(4):
        file_complaint(category=gbv)
    return bohicon


def test_statistics_suppress_small_counts(statistics_data):
    stats = queries.commune_statistics(commune=statistics_data, today=datetime.date(2025, 3, 1))
    assert stats["received"] == 8
    assert stats["resolved"] == 5
    assert stats["median_days_to_resolve"] == 3.0
    assert stats["acknowledged_on_time_percent"] == 62.5  # 5 of 8 acknowledged in time
    assert stats["resolved_on_time_percent"] == 62.5
    by_category = {row["group"]: row["received"] for row in stats["by_category"]}
    assert by_category == {"Eau potable": 6, "Routes et pistes": None}  # 4 sensitive: not counted at all
    by_gender = {row["group"]: row["received"] for row in stats["by_gender"]}
    assert by_gender == {"f": 6, "m": None}
    assert {row["received"] for row in stats["by_channel"]} == {8}


def test_sensitive_complaints_count_from_five(statistics_data, file_complaint, gbv):
    file_complaint(category=gbv)
    stats = queries.commune_statistics(commune=statistics_data, today=datetime.date(2025, 3, 1))
    by_category = {row["group"]: row["received"] for row in stats["by_category"]}
    assert by_category["Violences basées sur le genre"] == 5
    assert stats["received"] == 8  # the headline totals never include sensitive complaints


def test_statistics_use_a_fixed_number_of_queries(statistics_data):
    with CaptureQueriesContext(connection) as captured:
        queries.commune_statistics(commune=statistics_data)
    assert len(captured) <= 9


def test_median_of_an_even_count(file_complaint, officer):
    for days in (1, 2, 3, 4):
        complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer, now=MONDAY)
        services.complaint_resolve(
            complaint=complaint, by=officer, message="Fait", now=MONDAY + datetime.timedelta(days=days)
        )
    from palabre.grievances.models import Complaint

    assert queries.median_days_to_resolve(Complaint.objects.all()) == 2.5
    assert queries.median_days_to_resolve(Complaint.objects.none()) is None


def test_commune_handlers_lists_focal_points_alone_for_sensitive_queues(
    bohicon, toffo, officer, focal_point, staff
):
    staff(toffo, "complaints_officer")
    assert set(queries.commune_handlers(bohicon, sensitive=False)) == {officer, focal_point}
    assert list(queries.commune_handlers(bohicon, sensitive=True)) == [focal_point]
