import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.core.models import AuditEvent
from palabre.grievances.open311.keys import api_key_check, api_key_issue, api_key_revoke, key_hash
from palabre.grievances.open311.models import Open311ApiKey

pytestmark = pytest.mark.django_db


def test_issue_stores_only_the_hash_and_audits(bohicon):
    api_key, raw_key = api_key_issue(commune=bohicon, label="FixMyStreet")
    assert len(raw_key) >= 40
    assert api_key.key_hash == key_hash(raw_key) != raw_key
    assert not Open311ApiKey.objects.filter(key_hash=raw_key).exists()
    assert AuditEvent.objects.filter(action="grievances.open311_key_issued").count() == 1


def test_check_accepts_the_key_of_its_commune_only_and_records_use(bohicon, toffo):
    api_key, raw_key = api_key_issue(commune=bohicon, label="App")
    assert api_key_check(raw_key=raw_key, commune=toffo) is None
    assert api_key_check(raw_key="", commune=bohicon) is None
    assert api_key_check(raw_key=raw_key, commune=bohicon) == api_key
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_revoked_key_is_refused_and_revoking_twice_audits_once(bohicon):
    api_key, raw_key = api_key_issue(commune=bohicon, label="App")
    api_key_revoke(api_key=api_key)
    api_key_revoke(api_key=api_key)
    assert api_key_check(raw_key=raw_key, commune=bohicon) is None
    assert AuditEvent.objects.filter(action="grievances.open311_key_revoked").count() == 1


def test_command_prints_a_working_key_as_its_last_word(bohicon, capsys):
    call_command("open311_key", "bohicon", "--label", "Partenaire")
    raw_key = capsys.readouterr().out.split()[-1]
    assert api_key_check(raw_key=raw_key, commune=bohicon).label == "Partenaire"


def test_command_refuses_an_unknown_commune(db):
    with pytest.raises(CommandError):
        call_command("open311_key", "paris")


# --- The administrator's page -----------------------------------------------------------------------------


def keys_url(slug="bohicon"):
    return f"/{slug}/plaintes/gestion/open311/"


def test_admin_issues_a_key_shown_once_and_listed(client, bohicon, staff_in):
    sign_in_verified(client, staff_in(bohicon, "commune_admin"))
    response = client.post(keys_url(), {"label": "FixMyStreet Bénin"})
    assert response.status_code == 200
    raw_key = response.context["new_key"]
    assert raw_key in response.content.decode()
    assert api_key_check(raw_key=raw_key, commune=bohicon) is not None
    listing = client.get(keys_url()).content.decode()
    assert "FixMyStreet Bénin" in listing
    assert raw_key not in listing


def test_admin_needs_a_label(client, bohicon, staff_in):
    sign_in_verified(client, staff_in(bohicon, "commune_admin"))
    response = client.post(keys_url(), {"label": "  "})
    assert response.context["label_missing"]
    assert not Open311ApiKey.objects.exists()


def test_admin_revokes_a_key(client, bohicon, staff_in):
    sign_in_verified(client, staff_in(bohicon, "commune_admin"))
    api_key, raw_key = api_key_issue(commune=bohicon, label="App")
    response = client.post(f"{keys_url()}{api_key.pk}/revoquer/")
    assert response.status_code == 302
    assert api_key_check(raw_key=raw_key, commune=bohicon) is None


@pytest.mark.parametrize("role", ["complaints_officer", "mayor", "focal_point"])
def test_other_roles_get_404(client, bohicon, staff_in, role):
    sign_in_verified(client, staff_in(bohicon, role))
    assert client.get(keys_url()).status_code == 404
    assert client.post(keys_url(), {"label": "x"}).status_code == 404
    assert not Open311ApiKey.objects.exists()


def test_admin_of_another_commune_gets_404_and_cannot_revoke(client, bohicon, toffo, staff_in):
    sign_in_verified(client, staff_in(toffo, "commune_admin"))
    api_key, raw_key = api_key_issue(commune=bohicon, label="App")
    assert client.get(keys_url()).status_code == 404
    sign_in_verified(client, staff_in(toffo, "commune_admin"))
    assert client.post(f"{keys_url('toffo')}{api_key.pk}/revoquer/").status_code == 404
    assert api_key_check(raw_key=raw_key, commune=bohicon) is not None


def test_anonymous_visitor_gets_404(client, bohicon):
    assert client.get(keys_url()).status_code == 404


def test_keys_page_lives_in_the_officers_area():
    assert reverse("grievances:open311_keys", args=["bohicon"]) == keys_url()
    assert reverse("grievances:open311_key_revoke", args=["bohicon", 3]) == f"{keys_url()}3/revoquer/"
