"""Cleaning of uploaded Office documents (docx, xlsx), for warning-talk minutes.

An OOXML file is a zip with [Content_Types].xml; the type is read from its main part
(word/document.xml or xl/workbook.xml), never from the file name. The equivalent of the PDF
rules (portal.core.pdfclean):
- refused: macros (vbaProject.bin, macro-enabled content types), ActiveX controls, embedded
  objects and files (*/embeddings/), and relationships that make the viewer fetch or run
  something outside the file (an external attached template, OLE object, frame or
  sub-document) — they run code or pull content from elsewhere when the file is opened;
- removed: the document properties (docProps/core.xml, app.xml, custom.xml: author, last
  editor, company, computer, times), with their entries in [Content_Types].xml and
  _rels/.rels; the file opens as before without them;
- a damaged zip, or one that would unpack to more than MAX_UNPACKED bytes (a zip bomb), is
  refused as damaged.
"""

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_OFFICE_ACTIVE = _("Office 文件含有宏、控件或嵌入对象，无法接收，请另存为普通文档后再上传")
ERR_OFFICE_BROKEN = _("Office 文件“%(name)s”已损坏，无法读取")

MAX_UNPACKED = 100 * 1024 * 1024
MAX_ENTRIES = 5000
MAIN_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx"}
PROPERTIES = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
_EXTERNAL = re.compile(
    rb"<Relationship\b[^>]*?Type=\"[^\"]*/(attachedTemplate|oleObject|frame|subDocument)\"[^>]*?"
    rb"TargetMode=\"External\"|<Relationship\b[^>]*?TargetMode=\"External\"[^>]*?"
    rb"Type=\"[^\"]*/(attachedTemplate|oleObject|frame|subDocument)\"",
    re.IGNORECASE,
)


def is_zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _broken(name):
    return ValidationError(ERR_OFFICE_BROKEN, code="office_broken", params={"name": name})


def ooxml_clean(data: bytes, *, name: str = "") -> tuple[bytes, str]:
    """(the document rewritten without its properties, "docx" or "xlsx"), or ValidationError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _broken(name) from exc
    names = {i.filename for i in infos}
    if (
        len(infos) > MAX_ENTRIES
        or sum(i.file_size for i in infos) > MAX_UNPACKED
        or "[Content_Types].xml" not in names
    ):
        raise _broken(name)
    kinds = [kind for part, kind in MAIN_PARTS.items() if part in names]
    if len(kinds) != 1:
        raise _broken(name)
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as clean:
            for info in infos:
                lower = info.filename.lower()
                if (
                    lower.endswith("vbaproject.bin")
                    or "/activex/" in f"/{lower}"
                    or "/embeddings/" in f"/{lower}"
                ):
                    raise ValidationError(ERR_OFFICE_ACTIVE, code="office_active")
                if info.filename in PROPERTIES:
                    continue
                body = archive.read(info)
                if info.filename == "[Content_Types].xml":
                    if b"macroenabled" in body.lower():
                        raise ValidationError(ERR_OFFICE_ACTIVE, code="office_active")
                    body = re.sub(
                        rb"<Override\b[^>]*PartName=\"/docProps/[^\"]*\"[^>]*/>", b"", body
                    )
                elif lower.endswith(".rels"):
                    if _EXTERNAL.search(body):
                        raise ValidationError(ERR_OFFICE_ACTIVE, code="office_active")
                    if info.filename == "_rels/.rels":
                        body = re.sub(
                            rb"<Relationship\b[^>]*Target=\"/?docProps/[^\"]*\"[^>]*/>", b"", body
                        )
                clean.writestr(info.filename, body)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise _broken(name) from exc
    return out.getvalue(), kinds[0]
