"""The one search interface the domain apps call. Backends are chosen by settings."""


def health() -> str:
    return "ok (database)"
