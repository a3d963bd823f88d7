"""Shared fixtures: a small world of agencies and people, one of each role.

Tests talk to the real PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) that `make test` provides.

Under pytest-xdist (``-n``) every worker has a database of its own (pytest-django adds the ``_gw0``
suffix; each is a copy of one migrated template, below) and a Redis database of its own: REDIS_URL's
database for the first worker, then counting down (``/15`` -> 15, 14, 13 ...), wrapping within Redis's
16 databases, so that no worker reads another's cache keys, throttle counters, heartbeat or broker queue.
"""

import fcntl
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import freezegun
import freezegun.api
import pytest
from django.test import Client, override_settings

from safeguarding.access.context import AccessContext
from tests.factories import people

# freezegun swaps the time functions of every loaded module it does not ignore, pytest's own clock
# (`from time import perf_counter` in _pytest.timing) included: --durations then reported decades for
# tests whose fixtures freeze time. pytest keeps the real time. Every freeze_time also walks all loaded
# modules (2,400 with the browser, PDF and schemathesis libraries): the libraries below hold no time the
# tests freeze (the test tooling, the PDF and HTTP stacks), and skipping them halves the cost of each
# freeze (about 18 ms to 10 ms here), which the suite pays some thousands of times. Our code, Django,
# Celery, kombu, redis, psycopg, Faker's clock, icalendar and the standard library are still frozen.
freezegun.configure(extend_ignore_list=[
    "_pytest", "pluggy", "execnet", "xdist", "coverage",
    "playwright", "greenlet", "pyee",
    "hypothesis", "schemathesis", "jsonschema", "jsonschema_specifications", "referencing", "rpds",
    "hypothesis_graphql", "graphql", "harfile", "pyrate_limiter", "backoff",
    "weasyprint", "fontTools", "pypdf", "PIL", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "cffi",
    "requests", "urllib3", "httpx", "httpcore", "h11", "anyio", "idna", "certifi", "charset_normalizer",
    "werkzeug", "pygments", "yaml", "rapidfuzz", "sqlparse", "drf_spectacular", "uritemplate", "inflection",
    "pydantic", "pydantic_core", "annotated_types", "setuptools", "pkg_resources", "pip", "click",
    # The bank holidays (300 country modules) are asked for given years only (safeguarding.clock.workdays), never
    # for "now"; QR codes (MFA enrolment) and platformdirs hold no time. Faker's providers but those that read
    # the clock (date_time, misc, passport, profile, user_agent) make names and text.
    "holidays", "qrcode", "platformdirs",
    *(f"faker.providers.{p}" for p in (
        "address", "automotive", "bank", "barcode", "color", "company", "credit_card", "currency", "doi", "emoji",
        "file", "geo", "internet", "isbn", "job", "lorem", "person", "phone_number", "python", "sbn", "ssn")),
])


def _module_attributes_key(module) -> str:
    """freezegun keeps, for each module, the attributes that hold a time function and reads them again when
    the module has changed: "changed" is a hash of ``dir(module)``, worked out for each of some 1,500 modules
    every time the clock is frozen (half the cost of a ``freeze_time``). The module's identity and the number
    of names in it say the same for modules that gain or lose names (the hash never noticed a name rebound
    either)."""
    return f"{id(module)}-{len(getattr(module, '__dict__', ()))}"


if hasattr(freezegun.api, "_get_module_attributes_hash"):
    freezegun.api._get_module_attributes_hash = _module_attributes_key


REDIS_DATABASES = 16  # Redis's default `databases`


def worker_redis_url(url: str, worker: str | None) -> str:
    """REDIS_URL for xdist worker ``gwN``: the same server, database (base - N) mod 16."""
    if not worker or not worker.startswith("gw"):
        return url
    index = int(worker[2:])
    parts = urlsplit(url)
    path = parts.path.strip("/")
    base = int(path) if path.isdigit() else 0
    return urlunsplit(parts._replace(path=f"/{(base - index) % REDIS_DATABASES}"))


# Tables a flush leaves alone: what the migrations and post_migrate put there, the same for every test.
FLUSH_KEEPS = frozenset({"django_content_type", "auth_permission"})


def _delete_instead_of_truncate() -> None:
    """After each transactional test (``transaction=True``, the browser tests' live server) Django empties
    every table with one TRUNCATE of all of them: several seconds on PostgreSQL (new files for every
    table and index, then a sync at commit), even when they hold a few rows. DELETE FROM each table in
    one transaction costs milliseconds; every foreign key Django creates on PostgreSQL is DEFERRABLE
    INITIALLY DEFERRED, so the order does not matter. Content types and permissions are kept (the
    post_migrate that follows the flush finds them as the migrations left them). Flushes that reset
    sequences keep Django's TRUNCATE ... RESTART IDENTITY."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["; ".join(
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
            for table in sorted(tables) if table not in FLUSH_KEEPS
        )]

    DatabaseOperations.sql_flush = sql_flush


def _no_post_migrate_after_a_delete_flush() -> None:
    """Django sends post_migrate after every flush (so after each transactional test): the content types
    and permissions are looked for again, app by app (some 120 statements, about half a second each
    time). A flush that DELETEs (above) keeps both tables, so there is nothing for it to create; the only
    receivers are contenttypes' and auth's (which create missing rows) and guardian's (which empties its
    content-type cache, still right since the rows are kept). A flush that resets sequences (TRUNCATE)
    still sends it."""
    from django.core.management.commands import flush

    handle = flush.Command.handle

    def handle_without_post_migrate(self, **options):
        if not options.get("reset_sequences", True):  # flush.Command.handle's own default
            options["inhibit_post_migrate"] = True
        return handle(self, **options)

    flush.Command.handle = handle_without_post_migrate


def _asynchronous_commit() -> None:
    """Commits in the test databases do not wait for the WAL to reach the disk (PostgreSQL's
    ``synchronous_commit=off``, a per-session setting): a commit is visible to every other connection
    at once, as before; only a crash of the server could lose the last commits, which a test database
    can afford. Migrations (one transaction each), the flush after each transactional test and every
    request of the browser tests' live server commit many times."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database.get("ENGINE", "").endswith("postgresql"):
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def pytest_configure(config):
    _asynchronous_commit()
    _delete_instead_of_truncate()
    _no_post_migrate_after_a_delete_flush()
    _redis_database_per_worker()


def _redis_database_per_worker() -> None:
    # Django is already set up here (pytest-django does it before conftests load), so the settings are
    # overridden, not the environment. override_settings resets the cache handler; Celery's
    # configuration is lazy, but is set explicitly in case anything has read it already.
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = worker_redis_url(settings.REDIS_URL, worker)
    if url == settings.REDIS_URL:
        return
    caches = {alias: {**cfg} for alias, cfg in settings.CACHES.items()}
    for cfg in caches.values():
        if cfg.get("LOCATION") == settings.REDIS_URL:
            cfg["LOCATION"] = url
    override_settings(REDIS_URL=url, CELERY_BROKER_URL=url, CACHES=caches).enable()
    from safeguarding.celery import app

    app.conf.broker_url = url


# --- the order of the tests under xdist ---------------------------------------------------------------------

# Modules whose tests take many seconds each: started first under xdist, so that the short tests fill in
# around them and no worker is left running one long test at the end while the others wait.
LONG_FIRST = ("tests/e2e/", "tests/test_demo", "tests/scenarios/")


def _xdist_groups_in_node_ids(config, items) -> None:
    """``--dist loadgroup`` keeps the tests of one ``xdist_group`` on one worker by adding "@<group>" to their
    node ids on the workers (pytest-xdist's ``WorkerInteractor.pytest_collection_modifyitems``). xdist 3.8
    writes ``item._nodeid``, which pytest 9 no longer reads (node ids are structured: ``item._id``), so the
    groups were silently ignored and each worker built the shared worlds of the grouped modules for its
    share of their tests (pytest-dev/pytest-xdist#1386). Until xdist writes the structured id, it is
    written here (after xdist's hook: ``trylast``), for the tests that did not get their suffix."""
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest before 9: xdist's own suffix works
        return
    for item in items:
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                 for m in item.iter_markers("xdist_group")}
        suffix = "@" + "_".join(sorted(names))
        if names and not item.nodeid.endswith(suffix) and isinstance(getattr(item, "_id", None), NodeId):
            item._id = NodeId.parse(item.nodeid + suffix)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    _xdist_groups_in_node_ids(config, items)
    if not (config.getoption("numprocesses", None) or hasattr(config, "workerinput")):
        return
    root = str(config.rootpath) + "/"

    def long_first(item) -> int:
        path = str(item.path).removeprefix(root)
        return 0 if path.startswith(LONG_FIRST) else 1

    items.sort(key=long_first)  # stable: the order within each part is the collection order


# --- one migrated template database, cloned for each xdist worker -----------------------------------------


@contextmanager
def _file_lock(name: str):
    with open(_lock_path(name), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_path(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{name}.lock"


def _marker(template: str) -> Path:
    """Holds the id of the run that last built ``template``."""
    return Path(tempfile.gettempdir()) / f"{template}.run"


def _build_template(connection, template: str, *, create_db: bool) -> None:
    """Build the database ``template`` from the models (tests/schema.py: seconds, where running every
    migration takes minutes) when it is missing or --create-db asks for it afresh; else bring it up to date
    with migrate (which applies only the migrations newer than it). Leaves no connection to it (CREATE
    DATABASE ... TEMPLATE needs the template without connections)."""
    from tests.schema import build_from_models

    test = connection.settings_dict.setdefault("TEST", {})
    name, original_name = test.get("NAME"), connection.settings_dict["NAME"]
    quote = connection.ops.quote_name
    try:
        with connection._nodb_cursor() as cursor:
            exists = connection.creation._database_exists(cursor, template)
            if create_db or not exists:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(template)}")
                cursor.execute(f"CREATE DATABASE {quote(template)}")
        test["NAME"] = template
        if create_db or not exists:
            connection.close()
            connection.settings_dict["NAME"] = template
            build_from_models(connection)
        else:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=True)
    finally:
        test["NAME"] = name
        connection.settings_dict["NAME"] = original_name
        connection.close()


def _clone_worker_databases(worker: str, *, create_db: bool, run_id: str) -> None:
    """Each worker's test database (``<name>_gw0`` ...) is made with CREATE DATABASE ... TEMPLATE from one
    migrated ``<name>_template``, instead of every worker running the migrations at the same time. The
    template is built (or, with --reuse-db, brought up to date) once per run: by the controller while the
    workers start (``pytest_sessionstart`` below), or else by the first worker to need it; a worker whose
    database exists is left alone unless --create-db asks for a fresh one. pytest-django then uses the
    worker's database as it does any kept database (running migrate, which applies any migration newer
    than the template)."""
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        test = connection.settings_dict.setdefault("TEST", {})
        name, suffix = test["NAME"], f"_{worker}"
        if not name.endswith(suffix):
            continue
        template = name[: -len(suffix)] + "_template"
        quote = connection.ops.quote_name
        with connection._nodb_cursor() as cursor:
            exists = connection.creation._database_exists(cursor, name)
        if exists and not create_db:
            continue
        marker = _marker(template)
        original_name = connection.settings_dict["NAME"]
        with _file_lock(template):
            try:
                if not marker.exists() or marker.read_text() != run_id:
                    _build_template(connection, template, create_db=create_db)
                    marker.write_text(run_id)
                connection.close()
                with connection._nodb_cursor() as cursor:
                    if exists:
                        cursor.execute(f"DROP DATABASE {quote(name)}")
                    cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(template)}")
            finally:
                test["NAME"] = name
                connection.settings_dict["NAME"] = original_name
                connection.close()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Under xdist, the controller builds the template (when a worker will need it) in a thread of its own
    while the workers start: each worker spends some seconds importing and collecting the suite before it
    asks for its database, time that the migrations (some 20 seconds of CPU) otherwise wait for, with one
    worker migrating and the other idle. The controller holds the template's lock from here, so a worker
    that gets there first waits for it; should the build fail, the first worker builds the template as
    before. Runs before xdist starts the workers (``tryfirst``), with the run id they will be given."""
    config = session.config
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None) \
            or not config.getvalue("reuse_db") or config.option.collectonly:
        return
    import threading
    import uuid

    from django.db import connections

    if not config.getoption("testrunuid", None):
        config.option.testrunuid = uuid.uuid4().hex
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        template = connection.creation._get_test_db_name() + "_template"
        handle = open(_lock_path(template), "w")  # noqa: SIM115 (the thread closes it)
        fcntl.flock(handle, fcntl.LOCK_EX)
        thread = threading.Thread(target=_build_template_for_workers, name=f"template {template}", daemon=True,
                                  args=(config, alias, template, handle))
        thread.start()


def _build_template_for_workers(config, alias: str, template: str, handle) -> None:
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    connection = connections[alias]  # this thread's own
    create_db, workers = config.getvalue("create_db"), int(config.getoption("numprocesses"))
    try:
        with config.stash[blocking_manager_key].unblock():
            name = connection.creation._get_test_db_name()
            if not create_db:
                with connection._nodb_cursor() as cursor:
                    missing = [w for w in range(workers)
                               if not connection.creation._database_exists(cursor, f"{name}_gw{w}")]
                if not missing:
                    return  # every worker keeps its database (--reuse-db): no template needed
            _build_template(connection, template, create_db=create_db)
            _marker(template).write_text(config.option.testrunuid)
    except Exception as exc:  # the first worker to need the template builds it
        print(f"\nThe controller could not build {template} ({exc!r}): a worker will.", file=sys.stderr)
    finally:
        connection.close()
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_modify_db_settings, django_db_blocker) -> bool:
    """Overrides pytest-django's: under xdist the worker's database is cloned here (see above), so
    pytest-django is told to keep it rather than to create it again."""
    create_db = request.config.getvalue("create_db")
    workerinput = getattr(request.config, "workerinput", None)
    if not workerinput or not request.config.getvalue("reuse_db"):
        return create_db
    with django_db_blocker.unblock():
        _clone_worker_databases(workerinput["workerid"], create_db=create_db, run_id=workerinput["testrunuid"])
    return False


# --- PDFs: a tiny fixed PDF stands in for WeasyPrint's layout, except in tests marked `pdf` ----------


def _stand_in_pdf() -> bytes:
    """A valid one-page, blank A4 PDF (pypdf reads it), titled so that nobody mistakes it for a render."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] >>",
        b"<< /Title (Stand-in PDF: mark the test pdf for a real rendering) >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


STAND_IN_PDF = _stand_in_pdf()
_real = {}  # the real html_to_pdf, kept at the first test


def stand_in_html_to_pdf(html, *, title, lang="en-GB", fetcher=None, source=""):
    """Replaces safeguarding.documents.pdf.html_to_pdf: the template was rendered (render_pdf calls
    render_html first), only WeasyPrint's layout is skipped."""
    return STAND_IN_PDF


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # A hook rather than a fixture: it runs before any of the test's fixtures, so that a module- or
    # class-scoped fixture that publishes documents gets the renderer its first test asks for.
    from safeguarding.documents import pdf

    real = _real.setdefault("html_to_pdf", pdf.html_to_pdf)
    pdf.html_to_pdf = real if item.get_closest_marker("pdf") else stand_in_html_to_pdf


@pytest.fixture
def la(db):
    return people.la()


@pytest.fixture
def other_la(db):
    return people.other_la()


@pytest.fixture
def police(db):
    return people.police()


@pytest.fixture
def health(db):
    return people.health()


@pytest.fixture
def school(db):
    return people.school()


@pytest.fixture
def team(la):
    return people.team(la)


@pytest.fixture
def other_team(la):
    return people.other_team(la)


@pytest.fixture
def social_worker(la, team):
    return people.social_worker(la, team)


@pytest.fixture
def colleague(la, team):
    """Another social worker in the same team."""
    return people.colleague(la, team)


@pytest.fixture
def other_social_worker(la, other_team):
    return people.other_social_worker(la, other_team)


@pytest.fixture
def team_manager(la, team):
    return people.team_manager(la, team)


@pytest.fixture
def service_manager(la):
    return people.service_manager(la)


@pytest.fixture
def other_la_service_manager(other_la):
    return people.other_la_service_manager(other_la)


@pytest.fixture
def chair(la):
    return people.chair(la)


@pytest.fixture
def iro(la):
    return people.iro(la)


@pytest.fixture
def lado(la):
    return people.lado(la)


@pytest.fixture
def business_unit(la):
    return people.business_unit(la)


@pytest.fixture
def administrator(la):
    return people.administrator(la)


@pytest.fixture
def police_officer(police):
    return people.police_officer(police)


@pytest.fixture
def school_dsl(school):
    return people.school_dsl(school)


@pytest.fixture
def ctx():
    """ctx(user) -> a fresh AccessContext, as a request would build it."""
    return AccessContext.for_user


@pytest.fixture
def client_for(db):
    """client_for(user) -> a Django test Client signed in as user (MFA off, as in demo/test mode)."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make
