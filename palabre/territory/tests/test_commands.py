import io

from django.core.management import call_command

from palabre.territory.models import Commune


def test_load_territory_twice(db):
    first, second = io.StringIO(), io.StringIO()
    call_command("load_territory", stdout=first)
    call_command("load_territory", stdout=second)
    assert "'commune': 77" in first.getvalue()
    assert "already up to date" in second.getvalue()
    assert Commune.objects.count() == 77
