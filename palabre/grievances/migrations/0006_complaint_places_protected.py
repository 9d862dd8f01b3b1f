"""Arrondissements and villages are protected (palabre/territory/fields.py): a record keeps its place."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grievances", "0005_complaintevent_commune"),
        ("territory", "0002_commune_settings_validation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="complaint",
            name="arrondissement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="territory.arrondissement",
                verbose_name="arrondissement",
            ),
        ),
        migrations.AlterField(
            model_name="complaint",
            name="village",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="territory.village",
                verbose_name="village ou quartier",
            ),
        ),
    ]
