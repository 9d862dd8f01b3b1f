"""Ballots say nothing of their voter through their order (issue 8):

- every stored ballot's projects in ascending number, cumulative points kept with their project (the order
  a voter picked projects in could be set by a vote buyer, then checked in the published file);
- every envelope's existing ballots rewritten once in a shuffled order (`mixed`), so their row order no
  longer follows the voter records' order;
- the voter records keep the day they voted, no longer the time (the time is dropped in 0004, apart
  from this data migration so that PostgreSQL has no pending trigger events when the table is altered).
"""

import secrets

from django.db import migrations, models
from django.utils import timezone


def canonical(numbers, points):
    if points is None:
        return sorted(numbers), None
    if len(points) != len(numbers):  # never written by ballot_cast; left as it is rather than misaligned
        return numbers, points
    pairs = sorted(zip(numbers, points, strict=True))
    return [number for number, _ in pairs], [value for _, value in pairs]


def canonicalise_and_mix(apps, schema_editor):
    VoterRecord = apps.get_model("budgeting", "VoterRecord")
    db = schema_editor.connection.alias
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("PRAGMA secure_delete=ON")
    records = list(VoterRecord.objects.using(db).only("pk", "voted_at"))
    for record in records:
        record.voted_on = timezone.localdate(record.voted_at)
    VoterRecord.objects.using(db).bulk_update(records, ["voted_on"], batch_size=500)
    ballots_canonicalise_and_mix(apps.get_model("budgeting", "Ballot"), db)


def ballots_canonicalise_and_mix(Ballot, db):
    """Every ballot in canonical order, every envelope's ballots rewritten once in a shuffled order."""
    shuffle = secrets.SystemRandom().shuffle
    envelope_ids = Ballot.objects.using(db).values_list("envelope_id", flat=True).distinct().order_by()
    for envelope_id in list(envelope_ids):
        ballots = list(Ballot.objects.using(db).filter(envelope_id=envelope_id))
        for ballot in ballots:
            ballot.proposal_numbers, ballot.points = canonical(ballot.proposal_numbers, ballot.points)
            ballot.mixed = True
        shuffle(ballots)
        deleted, _ = Ballot.objects.using(db).filter(envelope_id=envelope_id).delete()
        if deleted != len(ballots):
            raise RuntimeError("ballots changed while they were being mixed")
        Ballot.objects.using(db).bulk_create(ballots, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("budgeting", "0002_proposal_author_phone_for_notices")]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="mixed",
            field=models.BooleanField(default=False, verbose_name="mélangé"),
        ),
        migrations.AddIndex(
            model_name="ballot",
            index=models.Index(fields=["envelope", "mixed", "id"], name="budgeting_ballot_mixing_idx"),
        ),
        migrations.AddField(
            model_name="voterrecord",
            name="voted_on",
            field=models.DateField(default=timezone.localdate, verbose_name="a voté le"),
        ),
        migrations.RunPython(canonicalise_and_mix, migrations.RunPython.noop, elidable=False),
    ]
