"""The audit chain becomes keyed (HMAC-SHA256, key outside the database: palabre/core/audit.py).

Events recorded until now keep their unkeyed SHA-256 (`scheme` 1) and are not rewritten (the log is
append-only). When there are any, one keyed event `core.audit_chain_keyed` is appended: its keyed hash
covers the last unkeyed hash, so none of the older events can be rewritten and re-chained without the key.
Set PALABRE_AUDIT_KEY before running this migration (docs/deploy.md)."""

import datetime

from django.db import migrations, models


def seal_unkeyed_chain(apps, schema_editor):
    from palabre.core.audit import event_mac

    AuditEvent = apps.get_model("core", "AuditEvent")
    db = schema_editor.connection.alias
    head = AuditEvent.objects.using(db).order_by("-id").values_list("id", "hash", "scheme").first()
    if head is None or head[2] == 2:
        return
    last_id, last_hash, _scheme = head
    event = AuditEvent(
        id=last_id + 1,
        created_at=datetime.datetime.now(datetime.UTC),
        action="core.audit_chain_keyed",
        data={
            "unkeyed_events": AuditEvent.objects.using(db).filter(scheme=1).count(),
            "last_unkeyed_id": last_id,
        },
        prev_hash=last_hash,
        scheme=2,
    )
    event.hash = event_mac(event)
    event.save(using=db, force_insert=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_code_guess_failures")]

    operations = [
        # Existing events: unkeyed sha256.
        migrations.AddField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "SHA-256 sans clé (avant la clé d'audit)"),
                    (2, "HMAC-SHA256 avec la clé d'audit"),
                ],
                default=1,
                verbose_name="calcul de l'empreinte",
            ),
        ),
        # New events: keyed.
        migrations.AlterField(
            model_name="auditevent",
            name="scheme",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "SHA-256 sans clé (avant la clé d'audit)"),
                    (2, "HMAC-SHA256 avec la clé d'audit"),
                ],
                default=2,
                verbose_name="calcul de l'empreinte",
            ),
        ),
        migrations.RunPython(seal_unkeyed_chain, migrations.RunPython.noop, elidable=False),
    ]
