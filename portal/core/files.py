"""Serving a private file (portal.core.storage) once a view has checked the reader's role:
always a download, never rendered inline or sniffed into HTML, never kept by a cache."""

from django.http import FileResponse

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def content_type_for(name: str) -> str:
    """The content type of a stored private file from the extension the cleaning gave it;
    anything else (a file kept from before content checks) is an opaque download."""
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def private_file_response(fieldfile, *, filename: str, content_type: str | None = None):
    response = FileResponse(
        fieldfile.open("rb"), content_type=content_type or content_type_for(fieldfile.name)
    )
    # a neutral name chosen by the caller: the stored name stays internal
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    # why: confidential; no shared or browser cache may keep a copy
    response["Cache-Control"] = "no-store, private"
    return response
