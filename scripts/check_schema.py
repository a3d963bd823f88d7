"""Builds two scratch databases, one by running every migration and one from the models as the test suite's
template is built (tests/schema.py), and compares their catalogues: columns, indexes, constraints, sequences,
extensions and the migrations recorded. Exits 1 and prints the differences when they disagree. `make
schema-check` runs it; CI runs it after the lint. Slow on purpose (it runs every migration), so it is not part
of the suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tests.schema import build_from_models, schema_of

    quote = connection.ops.quote_name
    base = connection.settings_dict["NAME"]
    names = {"migrations": "schema_check_migrations", "models": "schema_check_models"}
    schemas = {}
    try:
        for how, name in names.items():
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)}")
            connection.close()
            connection.settings_dict["NAME"] = name
            if how == "migrations":
                call_command("migrate", verbosity=0, interactive=False)
            else:
                build_from_models(connection)
            with connection.cursor() as cursor:
                schemas[how] = schema_of(cursor)
            connection.close()
            connection.settings_dict["NAME"] = base
    finally:
        connection.close()
        connection.settings_dict["NAME"] = base
        with connection._nodb_cursor() as cursor:
            for name in names.values():
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
    only_migrations = sorted(schemas["migrations"] - schemas["models"], key=str)
    only_models = sorted(schemas["models"] - schemas["migrations"], key=str)
    if only_migrations or only_models:
        print("The schema built from the models differs from the migrations' (tests/schema.py):")
        for row in only_migrations:
            print("  only by the migrations:", row)
        for row in only_models:
            print("  only from the models:  ", row)
        return 1
    print(f"schema-check: the models and the migrations give the same schema ({len(schemas['models'])} "
          "catalogue rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
