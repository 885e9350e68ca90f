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
    assert response.status_code == 201
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
