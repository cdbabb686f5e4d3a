"""Reasons as codes with parameters: why a movement is not served, what asked for a run, what the validator found.
Text written before becomes the `text` parameter of a `legacy` code, shown as it was."""

from django.db import migrations, models


def to_codes(apps, schema_editor):
    Movement = apps.get_model("logistics", "Movement")
    ScheduleRun = apps.get_model("logistics", "ScheduleRun")
    for movement in Movement.objects.exclude(old_reason="").only("pk", "old_reason").iterator():
        Movement.objects.filter(pk=movement.pk).update(
            unserved_code="legacy", unserved_params={"text": movement.old_reason}
        )
    for run in ScheduleRun.objects.exclude(old_trigger="").only("pk", "old_trigger").iterator():
        ScheduleRun.objects.filter(pk=run.pk).update(triggers=[{"code": "legacy", "params": {"text": run.old_trigger}}])


def to_text(apps, schema_editor):
    Movement = apps.get_model("logistics", "Movement")
    ScheduleRun = apps.get_model("logistics", "ScheduleRun")
    for movement in Movement.objects.exclude(unserved_code="").iterator():
        text = movement.unserved_params.get("text") or movement.unserved_code
        Movement.objects.filter(pk=movement.pk).update(old_reason=text[:300])
    for run in ScheduleRun.objects.iterator():
        text = "; ".join(t.get("params", {}).get("text") or t.get("code", "") for t in run.triggers)
        ScheduleRun.objects.filter(pk=run.pk).update(old_trigger=text[:200])


class Migration(migrations.Migration):
    dependencies = [("logistics", "0002_vehicle_status_events")]

    operations = [
        migrations.RenameField("movement", "unserved_reason", "old_reason"),
        migrations.RenameField("schedulerun", "trigger", "old_trigger"),
        migrations.AddField(
            model_name="movement",
            name="unserved_code",
            field=models.CharField(
                blank=True,
                help_text="Why the schedule does not serve it (scheduling.reasons); empty: served.",
                max_length=40,
            ),
        ),
        migrations.AddField(model_name="movement", name="unserved_params", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(
            model_name="schedulerun",
            name="triggers",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="What asked for the run: {code, params} each (logistics.triggers), e.g. an import.",
            ),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="findings",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The validator's findings, {code, params} each, when it refused the run.",
            ),
        ),
        migrations.RunPython(to_codes, to_text),
        migrations.RemoveField("movement", "old_reason"),
        migrations.RemoveField("schedulerun", "old_trigger"),
    ]
