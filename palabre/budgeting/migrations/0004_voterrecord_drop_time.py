"""The voter records no longer keep the time they voted (0003 copied the day to `voted_on`)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("budgeting", "0003_ballots_canonical_and_mixed")]

    operations = [migrations.RemoveField(model_name="voterrecord", name="voted_at")]
