"""Fold a migration's AddIndex and AddConstraint operations into the CreateModel of their model.

    DJANGO_ENV=test .venv/bin/python scripts/fold_migrations.py reviews.0005_invitations lado.0001_initial

`makemigrations` writes a new model's indexes and constraints as operations of their own after its
CreateModel. Applying each of them makes Django's migration state render the model again with every model
related to it (through the user model, nearly all of them): building a test database from scratch spent
most of its time there (docs/performance.md, "Test suite"). Declared in CreateModel's options instead,
they are created with the table in one step; the schema is the same (check with `pg_dump -s`).

A model that gains a field later in the same migration keeps its operations in place (an index may name
that field). Run it on a migration before it is merged, never on one a deployed database has applied
with a different result: the result here is the same schema, so an applied migration may be folded too.
"""

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")

import django  # noqa: E402

django.setup()

from django.db import migrations  # noqa: E402
from django.db.migrations.writer import MigrationWriter  # noqa: E402


def fold(app: str, name: str) -> tuple[int, int]:
    module = importlib.import_module(f"{app}.migrations.{name}")
    migration = module.Migration(name, app)
    operations = list(migration.operations)
    creates = {op.name_lower: op for op in operations if isinstance(op, migrations.CreateModel)}
    grown = {op.model_name_lower for op in operations if isinstance(op, migrations.AddField)}
    kept, folded = [], 0
    for op in operations:
        model = getattr(op, "model_name_lower", None)
        if isinstance(op, migrations.AddIndex | migrations.AddConstraint) and model in creates and model not in grown:
            key, item = ("indexes", op.index) if isinstance(op, migrations.AddIndex) else ("constraints", op.constraint)
            creates[model].options[key] = [*creates[model].options.get(key, []), item]
            folded += 1
        else:
            kept.append(op)
    if folded:
        migration.operations = kept
        writer = MigrationWriter(migration)
        Path(writer.path).write_text(writer.as_string())
    return len(operations), folded


if __name__ == "__main__":
    for spec in sys.argv[1:]:
        app, _, name = spec.partition(".")
        total, folded = fold(app, name)
        print(f"{spec}: {folded} of {total} operations folded into CreateModel")
