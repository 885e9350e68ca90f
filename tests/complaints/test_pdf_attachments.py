"""PDF attachments through the public complaint form: stored rewritten without the author's
metadata (Info, XMP), and refused when they carry script or embedded files."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Attachment, Case

from .test_intake import _form

pytestmark = pytest.mark.django_db

XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmp:CreatorTool="WPS Office (ZHANGSAN-PC)"/></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)


def _pdf(configure=None) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if configure:
        configure(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _with_author(pdf):
    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary(Author="张三", Creator="WPS Office (ZHANGSAN-PC)")
    )
    pdf.Root.Metadata = pdf.make_stream(
        XMP.encode(), Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML
    )


def _with_open_action_js(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")


def _with_embedded_file(pdf):
    spec = pikepdf.AttachedFileSpec(pdf, b"secret", filename="a.txt")
    pdf.attachments["a.txt"] = spec


def _forms_of(text: str) -> list[bytes]:
    """Every way a PDF writer may spell `text`: UTF-8, UTF-16BE, and both as hex strings."""
    raw = [text.encode(), text.encode("utf-16-be")]
    return raw + [r.hex().encode() for r in raw] + [r.hex().upper().encode() for r in raw]


def _holds(data: bytes, text: str) -> bool:
    return any(form in data for form in _forms_of(text))


def _post(client, category, data, name="投诉材料.pdf"):
    upload = SimpleUploadedFile(name, data, "application/pdf")
    return client.post("/complaints/new/", _form(category, attachments=[upload]))


def test_pdf_author_creator_and_xmp_never_reach_private_storage(client, category):
    original = _pdf(_with_author)
    assert _holds(original, "张三")
    assert b"ZHANGSAN-PC" in original
    response = _post(client, category, original)
    assert response.status_code == 302
    att = Case.objects.get().attachments.get()
    with att.file.open("rb") as fh:
        stored = fh.read()
    assert b"ZHANGSAN" not in stored
    assert not _holds(stored, "张三")
    assert "张三" not in att.file.name
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 1
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root


@pytest.mark.parametrize("configure", [_with_open_action_js, _with_embedded_file])
def test_pdf_with_script_or_embedded_file_is_refused_and_nothing_stored(
    client, category, configure
):
    response = _post(client, category, _pdf(configure))
    assert response.status_code == 400
    assert "PDF 文件含有脚本或嵌入文件" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_javascript_in_a_link_annotation_is_refused(client, category):
    def link_js(pdf):
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 100, 100],
                A=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="this.print()"),
            )
        )
        pdf.pages[0].Annots = pdf.make_indirect([annot])

    response = _post(client, category, _pdf(link_js))
    assert response.status_code == 400
    assert "PDF 文件含有脚本或嵌入文件" in response.content.decode()


def test_encrypted_pdf_is_refused_with_a_clear_message(client, category):
    def encrypt_save():
        pdf = pikepdf.new()
        pdf.add_blank_page()
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
        return out.getvalue()

    response = _post(client, category, encrypt_save())
    assert response.status_code == 400
    assert "PDF 文件已加密" in response.content.decode()
    assert not Case.objects.exists()


def test_a_file_that_only_looks_like_a_pdf_is_refused_as_damaged(client, category):
    response = _post(client, category, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert response.status_code == 400
    assert "已损坏" in response.content.decode()
    assert not Case.objects.exists()


# --- what the red team found still getting through ---------------------------------------


def _exif_jpeg() -> bytes:
    """A small JPEG as a camera writes it: EXIF with the author and the computer's name and a
    GPS position (APP1), XMP (another APP1), a comment (COM), and bytes after the image."""
    from PIL import ExifTags, Image

    img = Image.new("RGB", (16, 16), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "ZHANGSAN-PC"
    exif[ExifTags.Base.Make] = "ZHANGSAN-CAMERA"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 23.0, 17.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, comment=b"ZHANGSAN-COMMENT", xmp=XMP.encode())
    return out.getvalue() + b"ZHANGSAN-TRAILER"


def _with_exif_image(pdf):
    jpeg = _exif_jpeg()
    image = pdf.make_stream(
        jpeg,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=16,
        Height=16,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 160 0 0 160 100 500 cm /Im0 Do Q")


def _stored(client, category, original) -> bytes:
    response = _post(client, category, original)
    assert response.status_code == 302, response.content.decode()
    att = Case.objects.get().attachments.get()
    with att.file.open("rb") as fh:
        return fh.read()


def test_exif_gps_and_comments_inside_an_embedded_jpeg_are_removed(client, category):
    from PIL import Image

    original = _pdf(_with_exif_image)
    assert b"ZHANGSAN-PC" in original and b"ZHANGSAN-COMMENT" in original
    stored = _stored(client, category, original)
    assert b"ZHANGSAN" not in stored
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert image.Filter == pikepdf.Name.DCTDecode
        jpeg = image.read_raw_bytes()
    assert b"Exif" not in jpeg and b"adobe:ns:meta" not in jpeg
    with Image.open(io.BytesIO(jpeg)) as img:
        assert img.size == (16, 16)
        assert not img.getexif()
        img.load()
        red, green, _blue = img.getpixel((8, 8))
        assert red > 150 and green < 90  # still the same picture


def _with_annotation_authors(pdf):
    page = pdf.pages[0]
    popup = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Popup,
            Rect=[100, 100, 300, 200],
            T=pikepdf.String("张三"),
            M="D:20260102030405+08'00'",
        )
    )
    note = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Text,
            Rect=[50, 50, 70, 70],
            Contents=pikepdf.String("第三页有涂改"),
            T=pikepdf.String("张三"),
            M="D:20260102030405+08'00'",
            CreationDate="D:20260101010101+08'00'",
            Popup=popup,
        )
    )
    popup.Parent = note
    page.Annots = pdf.make_indirect([note, popup])
    page.obj.LastModified = "D:20260103030303+08'00'"


def test_annotation_authors_and_dates_and_page_last_modified_are_removed(client, category):
    original = _pdf(_with_annotation_authors)
    assert _holds(original, "张三") and b"D:2026" in original
    stored = _stored(client, category, original)
    assert not _holds(stored, "张三")
    assert b"D:2026" not in stored
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        page = pdf.pages[0]
        assert "/LastModified" not in page.obj
        note, popup = list(page.Annots)
        assert str(note.Contents) == "第三页有涂改"  # the comment itself is content: kept
        for annot in (note, popup):
            assert not {"/T", "/M", "/CreationDate"} & set(annot.keys())


def _with_filled_form(pdf):
    page = pdf.pages[0]
    appearance = pdf.make_stream(
        b"/Tx BMC q BT /Helv 12 Tf 2 4 Td (13800138000) Tj ET Q EMC",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 200, 20],
    )
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            Rect=[100, 700, 300, 720],
            T=pikepdf.String("phone"),
            TU=pikepdf.String("手机号"),
            V=pikepdf.String("13800138000 张三"),
            DV=pikepdf.String("13900139000"),
            F=4,
            AP=pikepdf.Dictionary(N=appearance),
        )
    )
    hidden = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            Rect=[0, 0, 10, 10],
            T=pikepdf.String("secret"),
            V=pikepdf.String("身份证 110101199001011234"),
            F=2,
        )
    )
    page.Annots = pdf.make_indirect([field, hidden])
    pdf.Root.AcroForm = pdf.make_indirect(
        pikepdf.Dictionary(Fields=[field, hidden], DA=pikepdf.String("/Helv 12 Tf 0 g"))
    )


def _with_stray_widgets(pdf):
    _with_filled_form(pdf)
    del pdf.Root["/AcroForm"]


@pytest.mark.filterwarnings("ignore:This document has .* form widget")  # the stray widgets
@pytest.mark.parametrize("configure", [_with_filled_form, _with_stray_widgets])
def test_a_filled_form_is_flattened_to_what_the_page_shows(client, category, configure):
    original = _pdf(configure)
    assert _holds(original, "张三") and _holds(original, "110101199001011234")
    stored = _stored(client, category, original)
    assert not _holds(stored, "张三")
    assert not _holds(stored, "手机号")
    assert not _holds(stored, "110101199001011234")
    assert not _holds(stored, "13900139000")
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert "/AcroForm" not in pdf.Root
        page = pdf.pages[0]
        assert not list(page.obj.get("/Annots", []))  # no field left, the hidden one neither
        # what the citizen saw on the page (the field's appearance) is now page content
        drawn = b"".join(x.read_bytes() for x in page.Resources.XObject.values())
        assert b"13800138000" in drawn


def _with_xfa(pdf):
    xfa = pdf.make_stream(
        b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template>'
        b'<script contentType="application/x-javascript">app.alert(1)</script>'
        b"</template></xdp:xdp>"
    )
    pdf.Root.AcroForm = pdf.make_indirect(pikepdf.Dictionary(Fields=[], XFA=xfa))


def test_an_xfa_form_is_refused(client, category):
    response = _post(client, category, _pdf(_with_xfa))
    assert response.status_code == 400
    assert "PDF 文件含有脚本或嵌入文件" in response.content.decode()
    assert not Case.objects.exists() and not Attachment.objects.exists()


def _link(action):
    def configure(pdf):
        annot = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 100, 100],
                A=action,
            )
        )
        pdf.pages[0].Annots = pdf.make_indirect([annot])

    return configure


def _uri(uri):
    return pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(uri))


@pytest.mark.parametrize(
    "action",
    [
        _uri("javascript:alert(1)"),
        _uri(" JavaScript:alert(1)"),
        _uri("java\tscript:alert(1)"),
        _uri("\x01javascript:alert(1)"),
        _uri("data:text/html;base64,PHNjcmlwdD4="),
        _uri("file:///C:/Windows/System32/calc.exe"),
        _uri("vbscript:msgbox(1)"),
        pikepdf.Dictionary(S=pikepdf.Name.URI),
        pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=pikepdf.String("other.pdf"), D=[0]),
        pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe")),
        pikepdf.Dictionary(S=pikepdf.Name.ImportData, F=pikepdf.String("a.fdf")),
        pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("http://x.example/")),
        pikepdf.Dictionary(S=pikepdf.Name.ResetForm),
        pikepdf.Dictionary(S=pikepdf.Name.Hide, T=pikepdf.String("a")),
        pikepdf.Dictionary(S=pikepdf.Name.Rendition),
        pikepdf.Dictionary(S=pikepdf.Name.Sound),
        pikepdf.Dictionary(S=pikepdf.Name.Movie),
        pikepdf.Dictionary(S=pikepdf.Name.RichMediaExecute),
    ],
    ids=lambda a: str(a.get("/URI", a.S)),
)
def test_links_that_run_code_or_open_other_files_are_refused(client, category, action):
    response = _post(client, category, _pdf(_link(action)))
    assert response.status_code == 400
    assert "PDF 文件含有脚本或嵌入文件" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "uri", ["https://www.gov.cn/", "HTTP://example.cn/a?b=1", "mailto:xinfang@example.cn"]
)
def test_ordinary_web_and_mail_links_are_kept(client, category, uri):
    stored = _stored(client, category, _pdf(_link(_uri(uri))))
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert str(pdf.pages[0].Annots[0].A.URI) == uri


def test_a_jpeg_wrapped_in_another_filter_is_cleaned_too(client, category):
    import zlib

    from PIL import Image

    def wrapped(pdf):
        _with_exif_image(pdf)
        image = pdf.pages[0].Resources.XObject.Im0
        image.write(
            zlib.compress(image.read_raw_bytes()),
            filter=pikepdf.Array([pikepdf.Name.FlateDecode, pikepdf.Name.DCTDecode]),
        )

    original = _pdf(wrapped)
    with pikepdf.open(io.BytesIO(original)) as pdf:  # the EXIF is there, compressed
        assert b"ZHANGSAN-PC" in zlib.decompress(
            pdf.pages[0].Resources.XObject.Im0.read_raw_bytes()
        )
    stored = _stored(client, category, original)
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert image.Filter == pikepdf.Name.DCTDecode
        jpeg = image.read_raw_bytes()
    assert b"ZHANGSAN" not in jpeg
    with Image.open(io.BytesIO(jpeg)) as img:
        img.load()
        assert img.size == (16, 16) and not img.getexif()


def test_flattening_a_form_keeps_comments_and_links(client, category):
    def form_and_comment(pdf):
        _with_filled_form(pdf)
        note = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Text,
                Rect=[50, 50, 70, 70],
                Contents=pikepdf.String("请看这里"),
                T=pikepdf.String("张三"),
            )
        )
        link = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 100, 100],
                A=_uri("https://www.gov.cn/"),
            )
        )
        pdf.pages[0].Annots.extend([note, link])
        assert len(pdf.pages[0].Annots) == 4

    stored = _stored(client, category, _pdf(form_and_comment))
    assert not _holds(stored, "张三")
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        kinds = sorted(str(a.Subtype) for a in pdf.pages[0].Annots)
    assert kinds == ["/Link", "/Text"]
