"""The participation ledger: one row per act, so inclusion statistics never need to join every module."""

import datetime

from django.db import transaction
from django.db.models import Count

from palabre.core.choices import Channel
from palabre.core.models import ParticipationAct

BREAKDOWN_DIMENSIONS = ("gender", "age_band", "arrondissement_id", "channel")


def participation_record(
    *,
    commune_id: int,
    module: str,
    kind: str,
    channel: str,
    user_id: int | None = None,
    gender: str = "",
    age_band: str = "",
    arrondissement_id: int | None = None,
) -> ParticipationAct:
    """Record one act of participation (the participant's traits are self-declared and optional)."""
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel: {channel!r}")
    with transaction.atomic():
        return ParticipationAct.objects.create(
            commune_id=commune_id,
            module=module,
            kind=kind,
            channel=channel,
            user_id=user_id,
            gender=gender,
            age_band=age_band,
            arrondissement_id=arrondissement_id,
        )


def participation_forget(*, user_id: int) -> int:
    """Detach a person's acts from their account (the anonymous counts stay). Returns the rows changed."""
    with transaction.atomic():
        return ParticipationAct.objects.filter(user_id=user_id).update(user_id=None)


def participation_breakdown(
    *,
    commune_id: int,
    dimension: str,
    module: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> dict[str | int | None, int]:
    """Acts of a commune counted by one dimension ("" or None: not declared), largest first.

    Optional filters: one module, and a period [since, until).
    """
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"Unknown dimension: {dimension!r}")
    acts = ParticipationAct.objects.filter(commune_id=commune_id)
    if module is not None:
        acts = acts.filter(module=module)
    if since is not None:
        acts = acts.filter(occurred_at__gte=since)
    if until is not None:
        acts = acts.filter(occurred_at__lt=until)
    rows = acts.order_by().values(dimension).annotate(acts=Count("id")).order_by("-acts", dimension)
    return {row[dimension]: row["acts"] for row in rows}
