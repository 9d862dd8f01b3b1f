"""The admin shows categories and complaints, never writes them: category_update and the other services
check and audit every change (a platform administrator too)."""

import pytest
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import UserFactory
from palabre.core.models import AuditEvent
from palabre.grievances.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    return sign_in_verified(client, UserFactory(is_superuser=True, is_staff=True, password="x-long-password"))


def test_categories_are_shown_read_only(admin_client, water):
    assert admin_client.get(reverse("admin:grievances_category_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:grievances_category_change", args=[water.pk]))
    assert page.status_code == 200
    assert b'name="is_sensitive"' not in page.content  # shown as text, no field to change
    assert admin_client.get(reverse("admin:grievances_category_add")).status_code == 403
    assert admin_client.get(reverse("admin:grievances_category_delete", args=[water.pk])).status_code == 403


def test_a_posted_change_is_refused_and_nothing_changes(admin_client, water, officer):
    audited = AuditEvent.objects.count()
    response = admin_client.post(
        reverse("admin:grievances_category_change", args=[water.pk]),
        {"name": water.name, "is_sensitive": "on", "ack_working_days": 1, "default_assignee": officer.pk},
    )
    assert response.status_code == 403
    water.refresh_from_db()
    assert (water.is_sensitive, water.ack_working_days, water.default_assignee) == (False, 2, None)
    assert AuditEvent.objects.count() == audited
    assert Category.objects.filter(commune=water.commune).count() == 13


def test_complaints_are_shown_read_only(admin_client, file_complaint):
    complaint = file_complaint()
    assert (
        admin_client.get(reverse("admin:grievances_complaint_change", args=[complaint.pk])).status_code == 200
    )
    assert admin_client.get(reverse("admin:grievances_complaint_add")).status_code == 403
