"""Suite-wide test configuration. App fixtures live in each app's tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Tests render pages without collectstatic and hash passwords fast."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
