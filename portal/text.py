"""Pure text helpers shared by apps that must not import each other."""

import re

# XML 1.0 forbids C0 control characters except tab, newline and carriage return; feeds and the
# Open311 XML answer would not be well-formed with them (Django's feed generator refuses them).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_control_chars(value: str) -> str:
    """`value` without the C0 control characters XML 1.0 forbids (tab/LF/CR are kept)."""
    return _CONTROL_CHARS.sub("", value)
