# The managers' timeliness figures read an authority's deadlines team by team, by due date, from this index
# (issue 13: the figures stay flat at scale). Built concurrently: the deadlines table is the largest there is,
# and a plain CREATE INDEX would block the reminder sweep and every write to it while it builds.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('clock', '0004_sweep_candidates_index'),
    ]

    operations = [
        AddIndexConcurrently(
            model_name='deadline',
            index=models.Index(fields=['responsible_team', 'due_date'], include=('rule_key', 'status', 'id'),
                               name='deadline_team_due'),
        ),
    ]
