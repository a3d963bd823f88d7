"""The test database's schema built from the models instead of by running every migration (issue 8).

Running the migrations renders the project's state once per migration: minutes of CPU that grow with every
app, spent before the first test. The schema they end in is the models' (``makemigrations --check`` keeps the
two equal) plus what migrations do in SQL of their own (an extension, sequences, database-only indexes). So
the template database is made by ``migrate --run-syncdb`` with every app treated as unmigrated, then the
migrations' own SQL operations are run in their order, then every migration is recorded as applied (so that a
later ``migrate`` applies only newer ones). RunPython operations are not run: today's only move data (an empty
database has none to move); one that seeded rows would have to be given to the template here.
``scripts/check_schema.py`` (CI) builds a database both ways and compares their catalogues, so a migration
whose SQL the models cannot express is never missed.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.operations import CreateExtension
from django.core.management import call_command
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def _sql_operations(operations):
    """The operations of a migration that only SQL expresses (in order), inside SeparateDatabaseAndState too."""
    for op in operations:
        if isinstance(op, migrations.SeparateDatabaseAndState):
            yield from _sql_operations(op.database_operations)
        elif isinstance(op, (migrations.RunSQL, CreateExtension)):
            yield op


def _run_sql(cursor, sql) -> None:
    if sql == migrations.RunSQL.noop:
        return
    for statement in sql if isinstance(sql, (list, tuple)) else [sql]:
        if isinstance(statement, (list, tuple)):
            cursor.execute(statement[0], statement[1] if len(statement) > 1 else None)
        else:
            cursor.execute(statement)


# Where Django itself builds a table differently from its models than from its migrations: the through table
# of auth.Group.permissions gets the auth app's AutoField from the models but the project's DEFAULT_AUTO_FIELD
# (BigAutoField) from the migrations' rendered state. The migrations' type is the truth.
MIGRATIONS_DIFFER = ["ALTER TABLE auth_group_permissions ALTER COLUMN id TYPE bigint"]


def build_from_models(connection) -> None:
    """Fill the empty database ``connection`` points at with the project's schema (see the module)."""
    with connection.cursor() as cursor:  # extensions first: the models' trigram indexes need them
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        plan = loader.graph.leaf_nodes()
        ordered = [key for leaf in plan for key in loader.graph.forwards_plan(leaf)]
        ordered = list(dict.fromkeys(ordered))
        sql_ops = [op for key in ordered for op in _sql_operations(loader.graph.nodes[key].operations)]
        for op in sql_ops:
            if isinstance(op, CreateExtension):
                cursor.execute(f"CREATE EXTENSION IF NOT EXISTS {connection.ops.quote_name(op.name)}")
    old = settings.MIGRATION_MODULES
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    try:
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False, database=connection.alias)
    finally:
        settings.MIGRATION_MODULES = old
    with connection.cursor() as cursor:
        for op in sql_ops:
            if isinstance(op, migrations.RunSQL):
                _run_sql(cursor, op.sql)
        for statement in MIGRATIONS_DIFFER:
            cursor.execute(statement)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    recorder.migration_qs.bulk_create([recorder.Migration(app=app, name=name) for app, name in ordered])


SCHEMA_QUERIES = {
    "column": """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                        pg_get_expr(d.adbin, d.adrelid)
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped""",
    "index": """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'""",
    "constraint": """SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
                     JOIN pg_class t ON t.oid = c.conrelid
                     JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'""",
    "sequence": """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                   AND n.nspname = 'public' WHERE c.relkind = 'S'""",
    "extension": "SELECT extname FROM pg_extension",
    "migration": "SELECT app, name FROM django_migrations",
}


def schema_of(cursor) -> set[tuple]:
    """The catalogue of a database as a set (column order left out: it follows the order fields were added)."""
    found = set()
    for kind, sql in SCHEMA_QUERIES.items():
        cursor.execute(sql)
        found.update((kind, *row) for row in cursor.fetchall())
    return found
