"""JPEG bytes without the metadata segments a camera or editor writes (used by
portal.core.pdfclean for the DCTDecode images inside a PDF).

A JPEG is a list of marker segments; the picture needs only the frame, tables and scans.
Kept: APP0 "JFIF" (pixel density; its thumbnail is cut off) and APP14 "Adobe" (tells the
decoder whether the data is YCbCr or RGB/CMYK, so dropping it changes the colours).
Dropped: every other APPn (APP1 EXIF with camera, author, GPS position and XMP; APP2 ICC and
MPF, which PDF viewers ignore, the image's colour space being the /ColorSpace of the PDF
object; APP13 Photoshop/IPTC; ...), COM comments, and anything after the end-of-image marker
(phones append a second picture or a video there). The compressed data is copied byte for
byte: nothing is decoded or re-encoded.
"""

_SOI, _EOI, _SOS, _COM = 0xD8, 0xD9, 0xDA, 0xFE
_APP0, _APP14, _APP15 = 0xE0, 0xEE, 0xEF
# markers without a length field: TEM and RST0..RST7 (SOI/EOI handled on their own)
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


class JpegError(ValueError):
    """The bytes are not a JPEG this module can walk."""


def _keep(marker: int, payload: bytes) -> bytes | None:
    """The payload to write for a segment, or None to drop it."""
    if marker == _COM or (_APP0 <= marker <= _APP15 and marker not in (_APP0, _APP14)):
        return None
    if marker == _APP0:
        if not payload.startswith(b"JFIF\x00") or len(payload) < 14:
            return None
        return payload[:12] + b"\x00\x00"  # no thumbnail
    if marker == _APP14 and not payload.startswith(b"Adobe"):
        return None
    return payload


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at `pos` ends: the next marker that is neither
    a stuffed 0xFF00 nor a restart marker."""
    n = len(data)
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= n:
            return n  # a truncated file: viewers show what there is, so do we
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            pos += 1
            continue
        return pos


def jpeg_strip_metadata(data: bytes) -> bytes:
    """`data` (a baseline or progressive JPEG) without metadata segments; JpegError if the
    bytes are not a well-formed sequence of JPEG segments."""
    if not data.startswith(b"\xff\xd8"):
        raise JpegError("no start-of-image marker")
    out = bytearray(b"\xff\xd8")
    pos, n = 2, len(data)
    while True:
        if pos >= n or data[pos] != 0xFF:
            raise JpegError("expected a marker")
        while pos < n and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= n:
            raise JpegError("truncated marker")
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            out += b"\xff\xd9"
            return bytes(out)  # whatever follows the image is dropped
        if marker in _STANDALONE or marker in (_SOI, 0x00):
            raise JpegError("unexpected marker")
        if pos + 2 > n:
            raise JpegError("truncated segment")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > n:
            raise JpegError("bad segment length")
        payload = data[pos + 2 : pos + length]
        pos += length
        kept = _keep(marker, payload)
        if kept is not None:
            out += bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept
        if marker == _SOS:
            end = _scan_end(data, pos)
            out += data[pos:end]
            pos = end
            if pos >= n:
                return bytes(out + b"\xff\xd9")
