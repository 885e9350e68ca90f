"""Cleaning of uploaded PDF files (complaint attachments, warning-talk minutes), with pikepdf.

Why pikepdf: it is a binding to qpdf, which parses damaged files robustly, writes a new file
from the object graph (so earlier incremental-update revisions, unreferenced objects and
the writer's trailer /ID do not survive) and never interprets content streams; it is kept
up to date and already a dependency. The one function here, `pdf_clean`, is the owner of the
rule for every caller.

What it does, and why:
- The document Info dictionary and every /Metadata stream (the catalog's XMP and any page's
  or image's) are removed, and /PieceInfo (private data of the writing application) too:
  they carry the author's name, the computer's name ("WPS Office (ZHANGSAN-PC)") and times,
  which identify an anonymous complainant to the department the complaint is about.
- A PDF with JavaScript, launch/submit/import actions, additional actions (/AA), a non-plain
  /OpenAction, or embedded files (/EmbeddedFiles, /FileAttachment annotations, rich media)
  is REFUSED, not stripped. Stripping would hand the department a document that differs
  from what the citizen meant to send (a form that no longer computes, a missing attached
  file) without anyone noticing; refusing tells the citizen at once, and an ordinary scan or
  "save as PDF" never contains these. A plain /OpenAction (open at a page) is only dropped.
- An encrypted file is refused: it cannot be checked and read by the department without its
  password. A file qpdf cannot open, or that has no page, is refused as damaged.
"""

import io

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_PDF_ACTIVE = _("PDF 文件含有脚本或嵌入文件，无法接收，请另存为普通 PDF 后再上传")
ERR_PDF_ENCRYPTED = _("PDF 文件已加密或设有密码，无法接收，请去除密码后再上传")
ERR_PDF_BROKEN = _("PDF 文件“%(name)s”已损坏，无法读取")

# action types that run code, open or fetch other files, or send data away
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/GoToE",
    "/GoToR",
    "/RichMediaExecute",
    "/Rendition",
    "/Movie",
    "/Sound",
    "/Hide",
    "/SetOCGState",
    "/Trans",
    "/GoTo3DView",
}
# keys whose presence anywhere means script, additional actions or embedded files
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/RichMediaContent"}
_ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen", "/3D"}
_METADATA_KEYS = ("/Metadata", "/PieceInfo")


class _Active(Exception):
    pass


def _check_dict(obj) -> None:
    keys = set(obj.keys())
    if keys & _ACTIVE_KEYS:
        raise _Active
    action = obj.get("/S")
    if isinstance(action, pikepdf.Name) and str(action) in _ACTIVE_ACTIONS:
        raise _Active
    subtype = obj.get("/Subtype")
    if isinstance(subtype, pikepdf.Name) and str(subtype) in _ACTIVE_SUBTYPES:
        raise _Active


def _walk(obj, seen: set) -> None:
    """Check `obj` and every direct object inside it; indirect ones are visited on their own
    (the loop over pdf.objects), which also bounds the walk on cyclic files."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            _check_dict(item)
            children = [item.get(k) for k in item.keys()]
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        for child in children:
            if not isinstance(child, pikepdf.Object):
                continue  # numbers, booleans, names and strings come back as plain values
            if child.is_indirect:
                if child.objgen not in seen:
                    seen.add(child.objgen)
                    stack.append(child)
            else:
                stack.append(child)


def _strip_metadata(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in _METADATA_KEYS:
                if key in obj:
                    del obj[key]
    for page in pdf.pages:
        for key in _METADATA_KEYS:
            if key in page.obj:
                del page.obj[key]
    open_action = pdf.Root.get("/OpenAction")
    if open_action is not None:
        # a destination ([page /Fit]) or a plain GoTo only chooses where the viewer opens
        plain = isinstance(open_action, pikepdf.Array) or (
            isinstance(open_action, pikepdf.Dictionary)
            and str(open_action.get("/S", "")) == "/GoTo"
            and "/Next" not in open_action
        )
        if not plain:
            raise _Active
        del pdf.Root["/OpenAction"]


def pdf_clean(data: bytes, *, name: str = "") -> bytes:
    """The PDF in `data` rewritten without Info, XMP or application data; ValidationError
    (a Chinese message the uploader can act on) for script, embedded files, encryption or
    a file that cannot be read."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise ValidationError(ERR_PDF_ENCRYPTED, code="pdf_encrypted") from exc
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise ValidationError(ERR_PDF_BROKEN, code="pdf_broken", params={"name": name}) from exc
    with pdf:
        if pdf.is_encrypted:
            raise ValidationError(ERR_PDF_ENCRYPTED, code="pdf_encrypted")
        try:
            if len(pdf.pages) == 0:
                raise ValidationError(ERR_PDF_BROKEN, code="pdf_broken", params={"name": name})
            names = pdf.Root.get("/Names")
            if isinstance(names, pikepdf.Dictionary) and (
                "/JavaScript" in names or "/EmbeddedFiles" in names
            ):
                raise _Active
            seen: set = set()
            _walk(pdf.trailer, seen)
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Object) and obj.objgen not in seen:
                    seen.add(obj.objgen)
                    _walk(obj, seen)
            _strip_metadata(pdf)
            out = io.BytesIO()
            # preserve_pdfa / fix_metadata_version would keep or rewrite XMP: both off;
            # a deterministic /ID replaces the writer's, which can tie copies of one file
            pdf.save(
                out,
                preserve_pdfa=False,
                fix_metadata_version=False,
                deterministic_id=True,
                encryption=False,
            )
        except _Active as exc:
            raise ValidationError(ERR_PDF_ACTIVE, code="pdf_active") from exc
        except (pikepdf.PdfError, ValueError, OSError, RuntimeError, TypeError) as exc:
            raise ValidationError(ERR_PDF_BROKEN, code="pdf_broken", params={"name": name}) from exc
    return out.getvalue()
