"""Tracking numbers stay unique and gap-free when many people submit at the same moment."""

import threading
import time

import pytest
from django.db import connection

from complaints.models import Case
from complaints.services import case_submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_submissions_get_distinct_consecutive_numbers(category, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (SELECT … FOR UPDATE); SQLite serialises writes")
    # the production hasher, so the slow part really overlaps with the numbering
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    threads, per_thread = 6, 2
    barrier = threading.Barrier(threads)
    errors = []

    def submit():
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(per_thread):
                case_submit(category=category, text="同时提交的投诉")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    started = time.perf_counter()
    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    assert not errors, errors
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == threads * per_thread
    sequence = [int(n.split("-")[1]) for n in numbers]
    assert sequence == list(range(sequence[0], sequence[0] + threads * per_thread))
    print(f"{threads * per_thread} submissions with PBKDF2 in {elapsed:.2f} s")
