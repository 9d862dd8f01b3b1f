"""Keep no phone number, text, payload or reply in the channels' tables (issue 8).

The inbound log and the running USSD sessions held numbers, descriptions and ballots in clear: they are
deleted (the log only served retries and rate limits of the last hour; a session lives minutes). Phone
profiles and declared caller profiles are kept, found from now on by the number's keyed hash."""

from django.db import migrations, models

from palabre.core.keyed import phone_key


def forget_logged_requests(apps, schema_editor):
    apps.get_model("channels", "InboundMessage").objects.all().delete()
    apps.get_model("channels", "UssdSession").objects.all().delete()


def hash_profile_phones(apps, schema_editor):
    for name in ("PhoneProfile", "CallerProfile"):
        model = apps.get_model("channels", name)
        for profile in model.objects.only("pk", "phone"):
            model.objects.filter(pk=profile.pk).update(phone_key=phone_key(profile.phone))


class Migration(migrations.Migration):
    dependencies = [("channels", "0005_voice_prompts"), ("territory", "0001_initial")]

    operations = [
        migrations.RunPython(forget_logged_requests, migrations.RunPython.noop),
        # Inbound log.
        migrations.RemoveConstraint(model_name="inboundmessage", name="channels_inbound_unique_external_id"),
        migrations.RemoveIndex(model_name="inboundmessage", name="channels_inbound_phone_idx"),
        migrations.RemoveField(model_name="inboundmessage", name="external_id"),
        migrations.RemoveField(model_name="inboundmessage", name="phone"),
        migrations.RemoveField(model_name="inboundmessage", name="payload"),
        migrations.RemoveField(model_name="inboundmessage", name="reply"),
        migrations.AddField(
            model_name="inboundmessage",
            name="dedupe_key",
            field=models.CharField(default="", max_length=64, verbose_name="empreinte de la demande"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="inboundmessage",
            name="phone_key",
            field=models.CharField(blank=True, max_length=64, verbose_name="empreinte du numéro"),
        ),
        migrations.AlterField(
            model_name="inboundmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("received", "Reçu"),
                    ("processed", "Traité"),
                    ("failed", "Échec du traitement"),
                    ("blocked", "Numéro bloqué"),
                    ("limited", "Trop de messages"),
                    ("too_long", "Message trop long"),
                ],
                default="received",
                max_length=10,
                verbose_name="état",
            ),
        ),
        migrations.AlterField(
            model_name="inboundmessage",
            name="error",
            field=models.CharField(blank=True, max_length=100, verbose_name="erreur"),
        ),
        migrations.AddConstraint(
            model_name="inboundmessage",
            constraint=models.UniqueConstraint(
                fields=("gateway", "kind", "dedupe_key"), name="channels_inbound_unique_dedupe_key"
            ),
        ),
        migrations.AddIndex(
            model_name="inboundmessage",
            index=models.Index(fields=["phone_key", "kind", "received_at"], name="channels_inbound_phone_idx"),
        ),
        migrations.AddIndex(
            model_name="inboundmessage",
            index=models.Index(fields=["received_at"], name="channels_inbound_received_idx"),
        ),
        # USSD sessions.
        migrations.RemoveIndex(model_name="ussdsession", name="channels_ussd_phone_idx"),
        migrations.RemoveField(model_name="ussdsession", name="phone"),
        migrations.RemoveField(model_name="ussdsession", name="state"),
        migrations.RemoveField(model_name="ussdsession", name="last_text"),
        migrations.RemoveField(model_name="ussdsession", name="is_finished"),
        migrations.AddField(
            model_name="ussdsession",
            name="phone_key",
            field=models.CharField(default="", max_length=64, verbose_name="empreinte du numéro"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ussdsession",
            name="sealed_state",
            field=models.TextField(blank=True, verbose_name="état des menus (chiffré)"),
        ),
        migrations.AddField(
            model_name="ussdsession",
            name="depth",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="profondeur dans les menus"),
        ),
        migrations.AddField(
            model_name="ussdsession",
            name="last_text_length",
            field=models.PositiveIntegerField(default=0, verbose_name="longueur du dernier texte reçu"),
        ),
        migrations.AddField(
            model_name="ussdsession",
            name="last_text_digest",
            field=models.CharField(blank=True, max_length=64, verbose_name="empreinte du dernier texte reçu"),
        ),
        migrations.AddIndex(
            model_name="ussdsession",
            index=models.Index(fields=["phone_key", "updated_at"], name="channels_ussd_phone_idx"),
        ),
        migrations.AddIndex(
            model_name="ussdsession",
            index=models.Index(fields=["updated_at"], name="channels_ussd_updated_idx"),
        ),
        # Profiles: the number becomes its keyed hash.
        migrations.AddField(
            model_name="phoneprofile",
            name="phone_key",
            field=models.CharField(default="", max_length=64, verbose_name="empreinte du numéro"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="callerprofile",
            name="phone_key",
            field=models.CharField(default="", max_length=64, verbose_name="empreinte du numéro"),
            preserve_default=False,
        ),
        migrations.RunPython(hash_profile_phones, migrations.RunPython.noop),
        migrations.RemoveField(model_name="phoneprofile", name="phone"),
        migrations.RemoveField(model_name="callerprofile", name="phone"),
        migrations.AlterField(
            model_name="phoneprofile",
            name="phone_key",
            field=models.CharField(max_length=64, unique=True, verbose_name="empreinte du numéro"),
        ),
        migrations.AlterField(
            model_name="callerprofile",
            name="phone_key",
            field=models.CharField(max_length=64, unique=True, verbose_name="empreinte du numéro"),
        ),
    ]
