import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory


def totp_now(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def sign_in_verified(client, user):
    """Sign `user` in as if they had typed their password and their TOTP code."""
    device = user.totpdevice_set.filter(confirmed=True).first() or TOTPDeviceFactory(user=user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff_in(db):
    """staff_in(commune, role) -> a verified-ready membership (user with a password and a TOTP device)."""

    def make(commune, role):
        membership = MembershipFactory(commune=commune, role=role)
        TOTPDeviceFactory(user=membership.user)
        return membership

    return make
