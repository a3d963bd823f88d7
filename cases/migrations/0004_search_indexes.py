# Indexes for child search through index-friendly operators (issue 9). Filled in by the search work.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_child_access_request")]

    operations = []
