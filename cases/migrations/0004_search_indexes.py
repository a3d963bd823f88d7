# Indexes for child search through index-friendly operators (issue 9).
#
# Child search keeps Django's ``icontains``, which PostgreSQL receives as ``UPPER(col::text) LIKE
# UPPER('%term%')``: these GIN trigram indexes are on exactly that expression, so the planner can
# answer it from the index (the plain-column trigram indexes of 0001 cannot serve UPPER(col)). The
# plain-column ones stay: they serve the similarity arm, ``col %> term`` (word_similarity(term, col) >=
# pg_trgm.word_similarity_threshold), see cases/search.py. Aliases are searched live only
# (``entered_in_error_at IS NULL``), which is the alias index's predicate.
#
# Built CONCURRENTLY (the migration is not atomic) so that adding them to a populated table does not
# block the writes to cases_child for the minutes a GIN build takes at millions of rows; IF NOT EXISTS
# lets a build interrupted half-way be run again. They are database-only indexes (RunSQL): the models'
# Meta.indexes do not declare them yet, so `makemigrations --check` stays clean.
from django.db import migrations

INDEXES = {
    "child_surname_upper_trgm": "cases_child USING gin (UPPER(legal_surname::text) gin_trgm_ops)",
    "child_first_upper_trgm": "cases_child USING gin (UPPER(legal_first_names::text) gin_trgm_ops)",
    "child_preferred_upper_trgm": "cases_child USING gin (UPPER(preferred_name::text) gin_trgm_ops)",
    "alias_name_upper_trgm": "cases_childalias USING gin (UPPER(name::text) gin_trgm_ops) "
                             "WHERE entered_in_error_at IS NULL",
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0003_child_access_request")]

    operations = [
        migrations.RunSQL(
            sql=[f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}" for name, spec in INDEXES.items()],
            reverse_sql=[f"DROP INDEX CONCURRENTLY IF EXISTS {name}" for name in INDEXES],
        ),
    ]
