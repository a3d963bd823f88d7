from django.db import migrations, models


class Migration(migrations.Migration):
    """The ledger key gains the due date: a deadline moved later is reminded again for its new date."""

    dependencies = [("clock", "0002_calendarfeed_historicalcalendarfeed")]

    operations = [
        migrations.AddField(
            model_name="reminderclaim", name="due_date",
            field=models.DateField(null=True, help_text="The deadline's due date when this reminder was claimed"),
        ),
        migrations.RunSQL(
            "UPDATE clock_reminderclaim c SET due_date = d.due_date FROM clock_deadline d WHERE d.id = c.deadline_id",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="reminderclaim", name="due_date",
            field=models.DateField(help_text="The deadline's due date when this reminder was claimed"),
        ),
        migrations.RemoveConstraint(model_name="reminderclaim", name="reminder_once_per_stage"),
        migrations.AddConstraint(
            model_name="reminderclaim",
            constraint=models.UniqueConstraint(fields=("deadline", "due_date", "stage"), name="reminder_once_per_stage"),
        ),
    ]
