from importlib import import_module
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from palabre.core import seeding
from palabre.core.tests import seedfakes


@pytest.fixture
def fake_apps(monkeypatch):
    names = ["second", "without_demo", "first"]
    configs = [
        SimpleNamespace(label=name, name=f"palabre.core.tests.seedfakes.{name}", module=None)
        for name in names
    ]
    for config in configs:
        config.module = import_module(config.name)
    monkeypatch.setattr(seeding, "apps", SimpleNamespace(get_app_configs=lambda: configs))
    seedfakes.calls.clear()
    yield
    seedfakes.calls.clear()


def test_seeders_are_found_in_installed_apps_order_and_apps_without_demo_skipped(fake_apps):
    assert [label for label, _ in seeding.demo_seeders()] == ["second", "first"]


def test_seed_demo_runs_every_seed_in_order_each_time(fake_apps, settings, capsys):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert seedfakes.calls == ["second", "first", "second", "first"]
    output = capsys.readouterr().out
    assert "second seeded" in output
    assert "Seeding first..." in output


def test_seed_demo_refuses_outside_demo_mode(fake_apps, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="PALABRE_DEMO"):
        call_command("seed_demo")
    assert seedfakes.calls == []
