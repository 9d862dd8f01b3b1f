import pytest
from django.contrib import admin
from django.test import RequestFactory

from palabre.core.models import AuditEvent, OutboundMessage, ParticipationAct


@pytest.mark.parametrize("model", [AuditEvent, ParticipationAct, OutboundMessage])
def test_kernel_records_are_read_only_in_the_admin(model):
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_outbox_admin_never_shows_message_texts():
    assert "body" in admin.site._registry[OutboundMessage].exclude
