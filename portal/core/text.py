"""Pure text helpers shared by apps that must not import each other."""

import re
import unicodedata

# XML 1.0 forbids C0 control characters except tab, newline and carriage return; feeds and the
# Open311 XML answer would not be well-formed with them (Django's feed generator refuses them).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_chars(value: str) -> str:
    """`value` without the C0 control characters XML 1.0 forbids (tab/LF/CR are kept)."""
    return _CONTROL_CHARS.sub("", value)


def id_or_none(value) -> int | None:
    """A primary key typed by someone (a query parameter, a header), or None. Only ASCII digits:
    '²' passes str.isdigit() but int() and the ORM refuse it; and below 2**31: 5000 digits pass
    neither int() nor, at 20, SQLite's integer binding (a 500 either way)."""
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) < 2**31:
        return int(text)
    return None


def year_or_none(value, *, low: int = 2000, high: int = 2100) -> int | None:
    """A year typed into a query string (?year=), or None: -1, 0, twenty digits or ² would
    reach date() or the database and answer 500."""
    year = id_or_none(value)
    return year if year is not None and low <= year <= high else None


def page_number(value) -> int:
    """A page number typed into a query string (?page=): 'abc', '', '0', '-3', '1.5', '²'
    are page 1; above 10,000 (20 or 5000 digits too) is 10,000: past the last page, which the
    caller redirects to."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    return 10_000 if len(text) > 5 else min(max(1, int(text)), 10_000)


def ascii_digits(value) -> str:
    """The digits of a phone number or code as typed: full-width digits from a Chinese input
    method count (１３８ → 138); digits of other scripts (٨) do not, so they can never reach
    an SMS provider or a hash as something other than what was meant."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(ch for ch in text if "0" <= ch <= "9")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell value that a spreadsheet program shows as text. Why: a cell starting with
    = + - @ is run as a formula (CSV/XLSX injection), and unit names, official names and rating
    reasons come from editors and raters; such text cells get a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
