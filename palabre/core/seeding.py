"""Demo data: every installed app may have a `demo` module with an idempotent `seed(*, stdout)`."""

from collections.abc import Callable, Iterator
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def demo_seeders() -> Iterator[tuple[str, Callable]]:
    """(app label, seed function) of each installed app that has a demo module, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "demo"):
            yield app_config.label, import_module(f"{app_config.name}.demo").seed
