"""The database refuses a write (a trigger raises on INSERT, as a full disk or a read-only
replica would): nothing half-written is kept, the person gets an error page without a
traceback, and the same submission made again once the database accepts writes is stored
exactly once."""

import pytest
from django.db import connection
from django.test import Client

from complaints.models import Case, Category

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("need_postgres")]

FORM = {
    "anonymous": "1",
    "subject_kind": "general",
    "text": "窗口推诿扯皮，一件事跑了三次。",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}


@pytest.fixture
def refusing_database():
    table = Case._meta.db_table
    with connection.cursor() as cur:
        cur.execute("""
            CREATE OR REPLACE FUNCTION fault_refuse_write() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'fault test: database refuses writes'; END $$
            LANGUAGE plpgsql""")
        cur.execute(
            f"CREATE TRIGGER fault_refuse BEFORE INSERT ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION fault_refuse_write()"
        )

    def accept_again():
        with connection.cursor() as cur:
            cur.execute(f"DROP TRIGGER IF EXISTS fault_refuse ON {table}")
            cur.execute("DROP FUNCTION IF EXISTS fault_refuse_write()")

    yield accept_again
    accept_again()


def _post(category, **headers):
    client = Client(raise_request_exception=False)
    return client.post("/complaints/new/", {**FORM, "category": str(category.pk)}, **headers)


def _category():
    return Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})[0]


def test_a_refused_write_keeps_nothing_and_a_retry_is_stored_once(refusing_database, capsys):
    category = _category()
    refused = _post(category)
    assert refused.status_code >= 500
    body = refused.content.decode()
    assert "Traceback" not in body and "fault test" not in body  # no internals shown
    assert Case.objects.count() == 0
    refusing_database()
    retried = _post(category)
    assert retried.status_code == 302
    assert Case.objects.count() == 1
    with capsys.disabled():
        print(
            f"\n[faults] database refused a write: HTTP {refused.status_code}, 0 rows kept; "
            f"retry: HTTP {retried.status_code}, 1 row"
        )


def test_a_refused_write_shows_a_clear_message_in_the_persons_language(refusing_database):
    chinese = _post(_category()).content.decode()
    assert "投诉未能保存，请稍后重试" in chinese and "try again" not in chinese
    english = _post(_category(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "try again" in english and "请稍后重试" not in english
