import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from palabre.grievances.models import ComplaintEvent
from palabre.territory.tests.factories import CommuneFactory

BEFORE = [("grievances", "0004_remove_tracking_failures")]
AFTER = [("grievances", "0005_complaintevent_commune")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_0005_copies_each_event_commune_from_its_complaint():
    """Events written before the column existed take their complaint's commune (PostgreSQL: UPDATE ...
    FROM; SQLite: a correlated subquery), then the column becomes required."""
    try:
        old_apps = migrate(BEFORE).loader.project_state(BEFORE).apps
        category_model = old_apps.get_model("grievances", "Category")
        complaint_model = old_apps.get_model("grievances", "Complaint")
        event_model = old_apps.get_model("grievances", "ComplaintEvent")
        today = datetime.date(2025, 1, 6)
        expected = {}
        for number, slug in enumerate(["bohicon", "toffo"]):
            commune = CommuneFactory(slug=slug)
            category = category_model.objects.create(commune_id=commune.pk, code="water", name="Eau")
            complaint = complaint_model.objects.create(
                commune_id=commune.pk,
                category=category,
                code=f"{slug[:3].upper()}-22{number}",
                description="Pompe en panne.",
                ack_due_on=today,
                resolve_due_on=today,
            )
            for kind in ("filed", "acknowledged"):
                event = event_model.objects.create(complaint=complaint, kind=kind)
                expected[event.pk] = commune.pk
        migrate(AFTER)
        assert dict(ComplaintEvent.objects.values_list("pk", "commune_id")) == expected
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, ComplaintEvent._meta.db_table)
        assert [column.null_ok for column in columns if column.name == "commune_id"] == [False]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
