# Partial indexes whose predicates match the visibility arms exactly (issue 9, ADR 11). Each arm of
# cases.policies.ChildPolicy filters with the same Q as its index's condition (cases.models).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_search_indexes")]

    operations = [
        # "end_date IS NULL" alone matched no visibility query ("end_date IS NULL OR end_date >= today"):
        # replaced by the open-ended and end-dated arms' indexes below
        migrations.RemoveIndex(model_name="involvement", name="open_involvement"),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(condition=models.Q(("allocated_social_worker__isnull", False)),
                               fields=["allocated_social_worker", "local_authority"], include=("id",),
                               name="child_vis_worker"),
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(condition=models.Q(("allocated_team__isnull", False)), fields=["allocated_team"],
                               include=("id",), name="child_vis_team"),
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(fields=["local_authority"], include=("id",), name="child_vis_authority"),
        ),
        migrations.AddIndex(
            model_name="childaccessgrant",
            index=models.Index(condition=models.Q(("revoked_at__isnull", True)), fields=["user", "expires_at"],
                               include=("content_object", "permission"), name="grant_vis_live"),
        ),
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(condition=models.Q(("end_date__isnull", True), ("entered_in_error_at__isnull", True)),
                               fields=["agency", "child"], name="involvement_vis_open"),
        ),
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(condition=models.Q(("end_date__isnull", False), ("entered_in_error_at__isnull", True)),
                               fields=["agency", "end_date", "child"], name="involvement_vis_end_dated"),
        ),
        migrations.AddIndex(
            model_name="involvement",
            index=models.Index(condition=models.Q(("entered_in_error_at__isnull", True),
                                                  ("professional__isnull", False)),
                               fields=["professional", "agency"], include=("child", "end_date"),
                               name="involvement_vis_professional"),
        ),
    ]
