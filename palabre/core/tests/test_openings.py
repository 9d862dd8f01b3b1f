import datetime
from types import SimpleNamespace

import pytest

from palabre.core import openings
from palabre.core.openings import Opening, openings_for, register


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    monkeypatch.setattr(openings, "_providers", [])


def commune(modules):
    return SimpleNamespace(pk=1, slug="bohicon", modules=modules)


def survey_provider(commune):
    return [
        Opening(title="Enquête eau", url=f"/{commune.slug}/enquete/", module="consultations"),
        Opening(
            title="Réunion publique",
            url="/r/",
            module="consultations",
            closes_on=datetime.date(2026, 3, 1),
        ),
    ]


def budget_provider(commune):
    return [Opening(title="Budget 2026", url="/b/", module="budgeting", closes_on=datetime.date(2026, 2, 1))]


def test_collects_from_every_provider_soonest_closing_first():
    register(survey_provider)
    register(budget_provider)
    titles = [opening.title for opening in openings_for(commune(["consultations", "budgeting"]))]
    assert titles == ["Budget 2026", "Réunion publique", "Enquête eau"]


def test_only_enabled_modules_are_shown():
    register(survey_provider)
    register(budget_provider)
    assert [opening.module for opening in openings_for(commune(["budgeting"]))] == ["budgeting"]
    assert openings_for(commune([])) == []


def test_registering_twice_keeps_one_provider_and_works_as_decorator():
    assert register(budget_provider) is budget_provider
    register(budget_provider)
    assert len(openings_for(commune(["budgeting"]))) == 1


def test_nothing_registered_means_nothing_open():
    assert openings_for(commune(["budgeting"])) == []
