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
  For the same reason: the author (/T), name (/NM) and dates (/M, /CreationDate) of every
  annotation (comments and their popups) and every /LastModified (pages, forms) are removed;
  the comment text itself (/Contents) is content and kept. Embedded JPEG images (DCTDecode)
  lose their EXIF (camera, author, GPS position), XMP, IPTC and comment segments
  (portal.core.jpegclean); the compressed picture is copied unchanged. /UserProperties
  attributes of the structure tree are removed; /Alt texts describe the content and stay.
- Fillable forms are FLATTENED: each visible field's appearance (what the citizen saw on the
  page) becomes ordinary page content, and the /AcroForm with every field value (/V, the
  defaults /DV, names, tooltips) and every hidden field is dropped. A typed value can hold
  personal data the citizen never saw on the page (a hidden field, a value that differs from
  its appearance, a default); refusing filled forms instead would turn away the official
  forms citizens are asked to fill in. An XFA form (/XFA) is refused: it is a script-capable
  application, and what it shows cannot be flattened by qpdf.
- A link is kept only for http, https and mailto URIs (checked case-insensitively, after
  removing whitespace and control characters a browser ignores): javascript:, data:, file:
  and every other scheme is refused, like the action types below.
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
import warnings

import pikepdf
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.jpegclean import jpeg_strip_metadata

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
_METADATA_KEYS = ("/Metadata", "/PieceInfo", "/LastModified")
_ANNOT_PERSONAL_KEYS = ("/T", "/M", "/CreationDate", "/NM")
_URI_SCHEMES = ("http://", "https://", "mailto:")


class _Active(Exception):
    pass


def _uri_allowed(uri) -> bool:
    """http, https or mailto, whatever the case, and whatever whitespace or control characters
    (which browsers drop: "java\tscript:") stand around or inside the scheme."""
    if not isinstance(uri, pikepdf.String | str):
        return False
    try:
        text = str(uri)
    except (UnicodeDecodeError, ValueError):
        return False
    text = "".join(
        ch for ch in text if not (ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0)
    )
    return text.lower().startswith(_URI_SCHEMES)


def _check_dict(obj) -> None:
    keys = set(obj.keys())
    if keys & _ACTIVE_KEYS:
        raise _Active
    action = obj.get("/S")
    if isinstance(action, pikepdf.Name) and str(action) in _ACTIVE_ACTIONS:
        raise _Active
    if (
        action == pikepdf.Name.URI
        and obj.get("/Type") != pikepdf.Name.StructElem
        and not _uri_allowed(obj.get("/URI"))
    ):
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


def _flatten_form(pdf: pikepdf.Pdf) -> None:
    """Visible form fields drawn into their pages (qpdf's flattening), then every widget that
    was not drawn (hidden, no appearance) and the /AcroForm dropped; other annotations (links,
    comments) are left as they are."""
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        acroform = pikepdf.Dictionary()  # stray widgets without a form: flattened all the same
    if "/XFA" in acroform:
        raise _Active
    if "/AcroForm" not in pdf.Root and not any(
        _is_widget(a) for page in pdf.pages for a in page.obj.get("/Annots", ())
    ):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pikepdf's advice on widgets reachable from pages only
        if acroform.get("/NeedAppearances") is True:
            pdf.generate_appearance_streams()  # draw typed values the writer left undrawn
        others = []
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if not isinstance(annots, pikepdf.Array):
                others.append(None)
                continue
            widgets = [a for a in annots if _is_widget(a)]
            others.append([a for a in annots if not _is_widget(a)])
            page.obj.Annots = pikepdf.Array(widgets)
        pdf.flatten_annotations("all")
        for page, kept in zip(pdf.pages, others, strict=True):
            if kept is None:
                continue
            page.obj.Annots = pikepdf.Array(kept)
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]


def _is_widget(annot) -> bool:
    return isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == pikepdf.Name.Widget


def _clean_object(obj) -> None:
    """Metadata off one indirect object: application data and dates, an annotation's author,
    a structure element's user properties, a JPEG's EXIF/XMP segments."""
    for key in _METADATA_KEYS:
        if key in obj:
            del obj[key]
    if obj.get("/Type") == pikepdf.Name.Annot or ("/Subtype" in obj and "/Rect" in obj):
        for key in _ANNOT_PERSONAL_KEYS:
            if key in obj:
                del obj[key]
    if "/UserProperties" in obj:  # /MarkInfo
        del obj["/UserProperties"]
    attrs = obj.get("/A")
    if isinstance(attrs, pikepdf.Dictionary) and attrs.get("/O") == pikepdf.Name.UserProperties:
        del obj["/A"]
    elif isinstance(attrs, pikepdf.Array) and obj.get("/Type") == pikepdf.Name.StructElem:
        obj.A = pikepdf.Array(
            a
            for a in attrs
            if not (
                isinstance(a, pikepdf.Dictionary) and a.get("/O") == pikepdf.Name.UserProperties
            )
        )
    if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == pikepdf.Name.Image:
        _clean_jpeg(obj)


def _clean_jpeg(image: pikepdf.Stream) -> None:
    filters = image.get("/Filter")
    parms = image.get("/DecodeParms")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
        parms = parms[0] if isinstance(parms, pikepdf.Array) and len(parms) else parms
    if filters == pikepdf.Name.DCTDecode:
        jpeg = image.read_raw_bytes()
    elif isinstance(filters, pikepdf.Array) and filters[len(filters) - 1] == pikepdf.Name.DCTDecode:
        # Flate, ASCII85, ... around the JPEG: undo those (and only those) to reach its bytes
        outer = list(filters)[:-1]
        image.Filter = pikepdf.Array(outer)
        if isinstance(parms, pikepdf.Array) and len(parms) == len(filters):
            image.DecodeParms = pikepdf.Array(list(parms)[:-1])
            parms = parms[len(parms) - 1]
        else:
            parms = None
        jpeg = image.read_bytes(decode_level=pikepdf.StreamDecodeLevel.generalized)
    else:
        return
    cleaned = jpeg_strip_metadata(jpeg)
    if not isinstance(parms, pikepdf.Dictionary):
        parms = None
    image.write(cleaned, filter=pikepdf.Name.DCTDecode, decode_parms=parms)


def _strip_metadata(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    _flatten_form(pdf)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            _clean_object(obj)
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
    """The PDF in `data` rewritten without Info, XMP, application data, annotation authors and
    dates or JPEG EXIF, its form fields flattened; ValidationError (a Chinese message the
    uploader can act on) for script, XFA, links other than http/https/mailto, embedded files,
    encryption or a file that cannot be read."""
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
