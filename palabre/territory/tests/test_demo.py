import io

from palabre.core.models import AuditEvent
from palabre.territory import demo
from palabre.territory.models import Commune
from palabre.territory.services import commune_update_settings


def test_seed_configures_the_pilots(db):
    demo.seed(stdout=io.StringIO())
    bohicon = Commune.objects.get(slug="bohicon")
    assert bohicon.languages == ["fr", "fon", "en"]
    assert bohicon.ussd_extension == "*123*2#"
    assert bohicon.contact_phone.startswith("+22901")
    banikoara = Commune.objects.get(slug="banikoara")
    assert banikoara.languages == ["fr", "bba", "ddn"]
    assert Commune.objects.count() == 77


def test_seed_is_idempotent_and_keeps_an_administrators_changes(db):
    demo.seed(stdout=io.StringIO())
    bohicon = Commune.objects.get(slug="bohicon")
    commune_update_settings(commune=bohicon, modules=["complaints"], languages=["fr"], by=None)
    events = AuditEvent.objects.count()
    output = io.StringIO()
    demo.seed(stdout=output)
    bohicon.refresh_from_db()
    assert (bohicon.modules, bohicon.languages) == (["complaints"], ["fr"])
    assert AuditEvent.objects.count() == events
    assert "already up to date" in output.getvalue()
