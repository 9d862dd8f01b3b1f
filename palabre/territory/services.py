"""Writes to the territory: loading the reference file, a commune's address and activity (platform
operators), a commune administrator's settings."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import phonenumbers
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.services import audit_record
from palabre.territory.models import Arrondissement, Commune, Department, Village

M = TypeVar("M", bound=models.Model)

REFERENCE_FILE = Path(__file__).resolve().parent / "data" / "benin.json"


@dataclass
class LoadReport:
    """How many rows of each model the load created and updated (unchanged rows are not counted)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": dict(sorted(self.created.items())), "updated": dict(sorted(self.updated.items()))}


def reference_data() -> dict[str, Any]:
    return json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))


def _upsert(
    model: type[M],
    report: LoadReport,
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    create_only: dict[str, Any] | None = None,
) -> M:
    """Create the row, or update only the fields whose value differs: a second load writes nothing."""
    label = model.__name__.lower()  # the model's name, as in _meta.model_name
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        report.created[label] += 1
        return model._default_manager.create(**lookup, **values, **(create_only or {}))
    stale = [name for name, value in values.items() if getattr(row, name) != value]
    if stale:
        for name in stale:
            setattr(row, name, values[name])
        row.save(update_fields=stale)
        report.updated[label] += 1
    return row


def _population(figures: list[int] | None) -> dict[str, int | None]:
    total, men, women = figures or (None, None, None)
    return {"population_total": total, "population_men": men, "population_women": women}


def _load_commune(item: dict[str, Any], department: Department, report: LoadReport) -> None:
    commune = _upsert(
        Commune,
        report,
        lookup={"code": item["code"]},
        values={
            "department_id": department.pk,
            "name": item["name"],
            "is_pilot": item["is_pilot"],
            "population_2013": item["population_2013"],
        },
        create_only={"slug": item["slug"]},
    )
    for arrondissement_item in item.get("arrondissements", []):
        arrondissement = _upsert(
            Arrondissement,
            report,
            lookup={"commune": commune, "name": arrondissement_item["name"]},
            values=_population(arrondissement_item["population"]),
        )
        for village_item in arrondissement_item["villages"]:
            _upsert(
                Village,
                report,
                lookup={"arrondissement": arrondissement, "name": village_item["name"]},
                values=_population(village_item["population"]),
            )


def territory_load(*, data: dict[str, Any] | None = None) -> LoadReport:
    """Load the shipped reference file (or `data` in its format) idempotently, keyed by code.

    Reference facts (names, department, populations, pilot flag) follow the file; a commune's own settings
    (slug once created, modules, languages, contacts, USSD extension) are never touched.
    """
    data = data if data is not None else reference_data()
    report = LoadReport()
    with transaction.atomic():
        departments = {
            item["code"]: _upsert(
                Department, report, lookup={"code": item["code"]}, values={"name": item["name"]}
            )
            for item in data["departments"]
        }
        for item in data["communes"]:
            _load_commune(item, departments[item["department"]], report)
        if report.changed:
            audit_record(action="territory.loaded", data=report.as_dict())
    return report


def _e164(phone: str) -> str:
    """A Benin or international number as E.164, or a ValidationError saying how to write it."""
    if not phone:
        return ""
    try:
        parsed = phonenumbers.parse(phone, "BJ")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            {"contact_phone": _("Numéro invalide : écrivez-le comme +229 01 XX XX XX XX.")}, code="invalid"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def commune_update_settings(
    *,
    commune: Commune,
    modules: list[str],
    languages: list[str],
    contact_phone: str = "",
    contact_email: str = "",
    address: str = "",
    ussd_extension: str = "",
    by: AbstractBaseUser | None,
) -> Commune:
    """Change what a commune offers (modules, languages) and how to reach it. `by` is the staff user, or
    None for the system. Raises ValidationError naming the faulty fields; records who changed what."""
    new_values = {
        "modules": list(modules),
        "languages": list(languages),
        "contact_phone": _e164(contact_phone.strip()),
        "contact_email": contact_email.strip(),
        "address": address.strip(),
        "ussd_extension": ussd_extension.strip(),
    }
    with transaction.atomic():
        return _commune_change(commune, new_values, action="territory.settings_updated", by=by, dated=True)


def commune_update_status(
    *, commune: Commune, slug: str, is_active: bool, by: AbstractBaseUser | None
) -> Commune:
    """Change where a commune's pages live (`slug`, the first part of every address) and whether they are
    open (`is_active`: an inactive commune answers 404 everywhere). Platform operators only (the admin).
    Raises ValidationError naming the faulty field; records who changed what."""
    new_values: dict[str, Any] = {"slug": slug.strip(), "is_active": is_active}
    with transaction.atomic():
        return _commune_change(commune, new_values, action="territory.status_updated", by=by)


def _commune_change(
    commune: Commune,
    new_values: dict[str, Any],
    *,
    action: str,
    by: AbstractBaseUser | None,
    dated: bool = False,
) -> Commune:
    """Apply the values that differ (the row locked), validate, save them, and audit `action` with each
    change as [before, after]; nothing when nothing differs. `dated`: also stamp `settings_updated_at`."""
    commune = Commune.objects.select_for_update().get(pk=commune.pk)
    changes = {name: [getattr(commune, name), value] for name, value in new_values.items()
               if getattr(commune, name) != value}  # fmt: skip
    if not changes:
        return commune
    for name, (_before, after) in changes.items():
        setattr(commune, name, after)
    fields = list(changes)
    if dated:
        commune.settings_updated_at = timezone.now()
        fields.append("settings_updated_at")
    commune.full_clean()
    commune.save(update_fields=fields)
    audit_record(action=action, actor_id=getattr(by, "pk", None), commune_id=commune.pk, target=commune,
                 data={"changes": changes})  # fmt: skip
    return commune
