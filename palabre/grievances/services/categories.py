"""Complaint categories of a commune: the shipped defaults."""

from django.db import transaction

from palabre.core.services import audit_record
from palabre.grievances.models import DEFAULT_CATEGORIES, Category
from palabre.territory.models import Commune


def categories_ensure_defaults(*, commune: Commune) -> list[Category]:
    """Create the default categories the commune lacks (by code); existing ones are never changed.

    Idempotent: returns the categories created (none the second time).
    """
    with transaction.atomic():
        existing = set(Category.objects.filter(commune=commune).values_list("code", flat=True))
        created = [
            Category.objects.create(
                commune=commune, code=code, name=name, is_sensitive=is_sensitive, position=position
            )
            for position, (code, name, is_sensitive) in enumerate(DEFAULT_CATEGORIES)
            if code not in existing
        ]
        if created:
            audit_record(
                action="grievances.categories_created",
                commune_id=commune.pk,
                data={"codes": [category.code for category in created]},
            )
    return created
