# Partial indexes whose predicates match the visibility arms exactly (issue 9). Filled in by the
# visibility work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_search_indexes")]

    operations = []
