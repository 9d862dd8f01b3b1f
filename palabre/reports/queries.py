"""National view of participation: aggregated from the participation ledger, small counts suppressed."""

from dataclasses import dataclass

from django.db.models import Count, Q

from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.models import ParticipationAct
from palabre.territory.models import Commune

# Counts under this threshold are shown as "fewer than 5": a small group could point at a person.
SMALL_COUNT_THRESHOLD = 5
YOUTH_BANDS = [AgeBand.FROM_18_TO_24, AgeBand.FROM_25_TO_35]


@dataclass(frozen=True)
class CommuneParticipation:
    commune: Commune
    total: int | None
    women: int | None
    men: int | None
    youth: int | None
    by_channel: dict[str, int | None]

    @property
    def counts(self) -> list[int | None]:
        """The table's cells in column order: total, women, men, youth, then each channel."""
        return [self.total, self.women, self.men, self.youth, *self.by_channel.values()]


def suppressed(count: int) -> int | None:
    """The count, or None when it is too small to publish."""
    return count if count >= SMALL_COUNT_THRESHOLD else None


def _aggregates() -> dict[str, Count]:
    fields = {
        "total": Count("id"),
        "women": Count("id", filter=Q(gender=Gender.FEMALE)),
        "men": Count("id", filter=Q(gender=Gender.MALE)),
        "youth": Count("id", filter=Q(age_band__in=YOUTH_BANDS)),
    }
    for channel in Channel.values:
        fields[f"channel_{channel}"] = Count("id", filter=Q(channel=channel))
    return fields


def national_participation() -> list[CommuneParticipation]:
    """Acts of participation per active commune (pilots first), in two queries whatever the ledger's size."""
    rows = ParticipationAct.objects.order_by().values("commune_id").annotate(**_aggregates())
    by_commune = {row["commune_id"]: row for row in rows}
    empty = dict.fromkeys(_aggregates(), 0)
    return [
        _commune_participation(commune, by_commune.get(commune.pk, empty))
        for commune in Commune.objects.active().pilots_first()
    ]


def _commune_participation(commune: Commune, row: dict) -> CommuneParticipation:
    return CommuneParticipation(
        commune=commune,
        total=suppressed(row["total"]),
        women=suppressed(row["women"]),
        men=suppressed(row["men"]),
        youth=suppressed(row["youth"]),
        by_channel={channel: suppressed(row[f"channel_{channel}"]) for channel in Channel.values},
    )
