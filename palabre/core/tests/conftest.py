import pytest

from palabre.core.tests.fakes import FakeGateway

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def gateway(settings):
    settings.SMS_GATEWAY = "palabre.core.tests.fakes.FakeGateway"
    FakeGateway.reset()
    yield FakeGateway
    FakeGateway.reset()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are only recorded: the test runs them, and sees the run_after of each retry."""
    settings.TASKS = DUMMY
    from django_tasks import default_task_backend

    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()
