"""Suite-wide test configuration. Places shared by every app (bohicon, toffo, passagon, saclo, village) come
from the plugin below; what only one app needs lives in that app's tests/conftest.py."""

import pytest

pytest_plugins = ["palabre.territory.tests.fixtures"]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tests render pages without collectstatic and hash passwords fast; audit anchors go to the test's
    own directory (never the data directory's anchor file)."""
    settings.AUDIT_ANCHOR_FILE = tmp_path / "audit-anchors.log"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run outside demo mode, where Africa's Talking webhooks need their token: requests to
    # /channels/africastalking/ must carry ?token=<settings.AT_TOKEN> (the USSD test Caller does).
    settings.AT_TOKEN = AT_TEST_TOKEN


AT_TEST_TOKEN = "test-at-token"


@pytest.fixture
def demo_mode(settings):
    """The demo as `make run` serves it: demo mode, the console gateway, tasks run at once."""
    settings.DEMO_MODE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SMS_GATEWAY = "palabre.channels.gateways.console.ConsoleGateway"


@pytest.fixture
def live_mode(settings):
    """A live installation (not the demo), tasks run at once."""
    settings.DEMO_MODE = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
