"""Shared fixtures: the site structure, units and officials made through the real services
(tests/factories.py)."""

import hashlib

import pytest
from django.test import TransactionTestCase

from cms.models import Gender, UnitKind
from cms.services import site_structure_ensure
from tests.factories import OfficialFactory, UnitFactory

_SNAPSHOT = {}  # database alias -> [(table, snapshot table, columns)]


def _snapshot_take(connection):
    """Copy every non-empty Django table into a twin table (snap_<hash>) in the same database,
    with SQL only: no model code, no signals, values exactly as stored."""
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        generated = set()
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_generated = 'ALWAYS'"
            )
            generated = set(cur.fetchall())
        taken = []
        for table in sorted(
            connection.introspection.django_table_names(only_existing=True, include_views=False)
        ):
            twin = "snap_" + hashlib.sha1(table.encode()).hexdigest()[:16]
            cur.execute(f"DROP TABLE IF EXISTS {qn(twin)}")
            cur.execute(f"CREATE TABLE {qn(twin)} AS SELECT * FROM {qn(table)}")
            cur.execute(f"SELECT COUNT(*) FROM {qn(twin)}")
            if not cur.fetchone()[0]:
                cur.execute(f"DROP TABLE {qn(twin)}")
                continue
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cur, table)
                if (table, c.name) not in generated
            ]
            taken.append((table, twin, ", ".join(qn(c) for c in columns)))
    return taken


def _snapshot_load(connection, taken):
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    qn = connection.ops.quote_name
    # foreign keys are deferred to the commit on both backends, so the order does not matter
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        for table, twin, columns in taken:
            cur.execute(f"INSERT INTO {qn(table)} ({columns}) SELECT {columns} FROM {qn(twin)}")
    ContentType.objects.clear_cache()  # a test may have cached a type the flush removed


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The rows the data migrations wrote (groups and their permissions, categories, the
    holiday calendar, the site tree) are kept as they stood once the test database was
    ready. A transactional test ends with a flush that empties every table; the copy is
    loaded back at once, so a test that runs after it, in any order and on any xdist worker,
    finds the database as the migrations left it, which Django's own test ordering (the
    transactional tests last) otherwise ensures."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            _SNAPSHOT[alias] = _snapshot_take(connections[alias])
    yield


def _flush_and_restore(self):
    from django.core.management import call_command
    from django.db import connections

    for db_name in self._databases_names(include_mirrors=False):
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=db_name,
            reset_sequences=False,
            allow_cascade=self.available_apps is not None,
            inhibit_post_migrate=db_name in _SNAPSHOT,
        )
        if db_name in _SNAPSHOT:
            _snapshot_load(connections[db_name], _SNAPSHOT[db_name])


TransactionTestCase._fixture_teardown = _flush_and_restore


@pytest.fixture(autouse=True)
def _portal_celery_app_current():
    """A test that builds a client app (`Celery(...)`) makes it Celery's current_app unless
    told not to; the outbox then looked tasks up in that bare app and sent them to a broker
    instead of running them eagerly, so every later test on the worker lost its indexing and
    beat effects. Each test ends with the portal's app current again."""
    yield
    from portal.celery import app

    app.set_current()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language: a request that switched to English leaves
    English active in the test thread, and the next test must not inherit it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def site_pages(db):
    return site_structure_ensure()


@pytest.fixture
def roster(site_pages):
    return site_pages["officials"]


@pytest.fixture
def make_unit(db):
    def make(name=None, kind=UnitKind.WINDOW, latitude="27.218000", longitude="116.533000", **kw):
        if name is not None:
            kw["name"] = name
        return UnitFactory(kind=kind, latitude=latitude, longitude=longitude, **kw)

    return make


@pytest.fixture
def make_official(roster, make_unit):
    def make(name=None, unit=None, gender=Gender.MALE, post="科长", **kw):
        if name is not None:
            kw["name"] = name
        return OfficialFactory(unit=unit or make_unit(), gender=gender, post=post, **kw)

    return make


@pytest.fixture
def unit(make_unit):
    return make_unit(name="县政务服务中心")


@pytest.fixture
def official(make_official, unit):
    return make_official(name="张伟丽", unit=unit, gender=Gender.FEMALE, post="主任")
