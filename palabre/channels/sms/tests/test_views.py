import pytest
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory
from palabre.channels.sms import bulk
from palabre.channels.sms_models import BulkCampaign
from palabre.core.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    def make(commune, role="complaints_officer"):
        membership = MembershipFactory(commune=commune, role=role)
        TOTPDeviceFactory(user=membership.user)
        return sign_in_verified(client, membership.user), membership.user

    return make


def url(name, commune, *args):
    return reverse(f"sms_staff:{name}", args=[commune.slug, *args])


def test_url_names():
    assert reverse("sms_staff:history", args=["bohicon"]) == "/bohicon/gestion/sms/"
    assert reverse("sms_staff:new", args=["bohicon"]) == "/bohicon/gestion/sms/nouvelle/"


def test_write_preview_confirm(staff_client, bohicon, saclo, subscribe, settings):
    settings.SMS_SEGMENT_PRICE_XOF = 25
    client, _user = staff_client(bohicon, role="commune_admin")
    subscribe(bohicon, 4, arrondissement=saclo)
    assert client.get(url("new", bohicon), secure=True).status_code == 200
    response = client.post(
        url("new", bohicon),
        {"arrondissement": saclo.pk, "language": "", "message": "Réunion publique mardi à 10h."},
        secure=True,
    )
    campaign = BulkCampaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", bohicon, campaign.pk)
    page = client.get(response["Location"], secure=True).content.decode()
    assert "GSM-7" in page and "100 FCFA" in page and "4 abonnés" in page
    assert not OutboundMessage.objects.exists()
    response = client.post(url("confirm", bohicon, campaign.pk), secure=True)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == BulkCampaign.Status.SENDING


def test_preview_names_characters_forcing_unicode(staff_client, bohicon):
    client, user = staff_client(bohicon)
    campaign = bulk.bulk_campaign_prepare(
        commune=bohicon, arrondissement=None, language="fon", message="Ɖɔ mɛ lɛ", by=user
    )
    page = client.get(url("detail", bohicon, campaign.pk), secure=True).content.decode()
    assert "Unicode" in page and "<code>ɔ</code>" in page


def test_form_errors_keep_the_typed_text(staff_client, bohicon, toffo):
    client, _user = staff_client(bohicon)
    response = client.post(url("new", bohicon), {"message": "", "language": "xx"}, secure=True)
    assert response.status_code == 200
    assert not BulkCampaign.objects.exists()


def test_cancel_a_draft(staff_client, bohicon):
    client, user = staff_client(bohicon)
    campaign = bulk.bulk_campaign_prepare(
        commune=bohicon, arrondissement=None, language="", message="x", by=user
    )
    client.post(url("cancel", bohicon, campaign.pk), secure=True)
    campaign.refresh_from_db()
    assert campaign.status == BulkCampaign.Status.CANCELLED
    response = client.post(url("confirm", bohicon, campaign.pk), secure=True, follow=True)
    assert BulkCampaign.objects.get().status == BulkCampaign.Status.CANCELLED
    assert response.status_code == 200


def test_history_lists_the_communes_campaigns_only(staff_client, bohicon, toffo):
    client, user = staff_client(bohicon)
    mine = bulk.bulk_campaign_prepare(
        commune=bohicon, arrondissement=None, language="", message="Chez nous", by=user
    )
    other_user = MembershipFactory(commune=toffo).user
    bulk.bulk_campaign_prepare(
        commune=toffo, arrondissement=None, language="", message="Ailleurs", by=other_user
    )
    page = client.get(url("history", bohicon), secure=True).content.decode()
    assert "Chez nous" in page and "Ailleurs" not in page
    assert url("detail", bohicon, mine.pk) in page


def test_wrong_commune_is_404(staff_client, bohicon, toffo):
    client, _user = staff_client(bohicon)
    other_user = MembershipFactory(commune=toffo).user
    theirs = bulk.bulk_campaign_prepare(
        commune=toffo, arrondissement=None, language="", message="x", by=other_user
    )
    assert client.get(url("history", toffo), secure=True).status_code == 404
    assert client.get(url("detail", bohicon, theirs.pk), secure=True).status_code == 404
    assert client.post(url("confirm", bohicon, theirs.pk), secure=True).status_code == 404
    assert client.post(url("cancel", toffo, theirs.pk), secure=True).status_code == 404


@pytest.mark.parametrize("role", ["planning_officer", "council_member", "mayor", "focal_point"])
def test_other_roles_are_404(staff_client, bohicon, role):
    client, _user = staff_client(bohicon, role=role)
    assert client.get(url("history", bohicon), secure=True).status_code == 404
    assert client.get(url("new", bohicon), secure=True).status_code == 404


def test_anonymous_is_404(client, bohicon):
    assert client.get(url("history", bohicon), secure=True).status_code == 404


def test_confirm_and_cancel_need_post(staff_client, bohicon):
    client, user = staff_client(bohicon)
    campaign = bulk.bulk_campaign_prepare(
        commune=bohicon, arrondissement=None, language="", message="x", by=user
    )
    assert client.get(url("confirm", bohicon, campaign.pk), secure=True).status_code == 405
    assert client.get(url("cancel", bohicon, campaign.pk), secure=True).status_code == 405


def test_history_query_count(staff_client, bohicon, saclo, django_assert_max_num_queries):
    client, user = staff_client(bohicon)
    for _ in range(5):
        bulk.bulk_campaign_prepare(commune=bohicon, arrondissement=saclo, language="", message="x", by=user)
    with django_assert_max_num_queries(12):
        assert client.get(url("history", bohicon), secure=True).status_code == 200
