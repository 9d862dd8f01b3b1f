"""Store the commune on each timeline event, so the Open311 updates of a commune are read from an index on
the events alone (`grv_event_commune_idx`) instead of joining every event of the time window to its
complaint. Existing events take their complaint's commune in one SQL statement (1.9 M rows in the bench)."""

import django.db.models.deletion
from django.db import migrations, models


def copy_commune_from_complaint(apps, schema_editor):
    """One UPDATE: PostgreSQL joins with UPDATE ... FROM; other databases use a correlated subquery."""
    events = schema_editor.quote_name(apps.get_model("grievances", "ComplaintEvent")._meta.db_table)
    complaints = schema_editor.quote_name(apps.get_model("grievances", "Complaint")._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        sql = (
            f"UPDATE {events} SET commune_id = complaint.commune_id FROM {complaints} AS complaint "
            f"WHERE complaint.id = {events}.complaint_id AND {events}.commune_id IS NULL"
        )
    else:
        sql = (
            f"UPDATE {events} SET commune_id = (SELECT complaint.commune_id FROM {complaints} AS complaint "
            f"WHERE complaint.id = {events}.complaint_id) WHERE commune_id IS NULL"
        )
    schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('grievances', '0004_remove_tracking_failures'),
        ('territory', '0002_commune_settings_validation'),
    ]

    operations = [
        migrations.AddField(
            model_name='complaintevent',
            name='commune',
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territory.commune', verbose_name='commune'),
        ),
        migrations.RunPython(copy_commune_from_complaint, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='complaintevent',
            name='commune',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='territory.commune', verbose_name='commune'),
        ),
        migrations.RemoveIndex(
            model_name='complaintevent',
            name='grv_event_created_idx',
        ),
        migrations.AddIndex(
            model_name='complaintevent',
            index=models.Index(condition=models.Q(('is_public', True)), fields=['commune', 'created_at'], name='grv_event_commune_idx'),
        ),
    ]
