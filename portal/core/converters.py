"""URL path converters for ids typed into an address bar.

Why: Django's `int` converter takes any run of digits, so /rate/99999999999999999999/ reaches
the ORM with a number no database column holds and answers 500 (OverflowError on SQLite,
"out of range" on PostgreSQL). `id` takes 1–10 ASCII digits below 2**31 — every primary key,
year and month we have — and anything else simply does not match: a 404.
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number >= 2**31:
            raise ValueError("out of range")  # the URL does not match: 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
