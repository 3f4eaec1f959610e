"""Detect a file's format from its content (magic bytes), not its name."""

from __future__ import annotations

import io
import zipfile

from protokoll.errors import CorruptFile, EmptyDocument, UnsupportedFormat

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")

# Names that claim to be a document: when their content is not one, a caller walking an
# archive has a broken protocol (a failure), not a file to skip quietly.
DOCUMENT_SUFFIXES = {".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".md", ".markdown"}
TEXT_SUFFIXES = {"", ".txt", ".text", ".md", ".markdown"}  # names a text protocol may have
CONVERTED_SUFFIXES = {".doc", ".odt", ".rtf"}  # names of formats LibreOffice converts (ingest.convert)
OFFICE_MEMBERS = {"word/document.xml", "content.xml", "[Content_Types].xml"}


def detect_format(head: bytes, path: str | None = None, zip_names: list[str] | None = None) -> str:
    """Return one of docx, odt, doc, rtf, pdf, txt, md from the first bytes of a file.

    ``zip_names`` is the member list when the file is a zip (the caller opens it).
    Raises UnsupportedFormat with a one-line reason otherwise.
    """
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = zip_names or []
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names and any(n == "mimetype" for n in names):
            return "odt"
        if "[Content_Types].xml" in names:
            raise UnsupportedFormat("an Office file that is not a Word document (no word/document.xml)", path=path)
        raise UnsupportedFormat("a zip archive, not a document", path=path)
    if head.startswith(OLE_MAGIC):
        return "doc"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"{\\rtf"):
        return "rtf"
    for magic, what in (
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
    ):
        if head.startswith(magic):
            raise UnsupportedFormat(f"{what}, not a document", path=path)
    low = head[:512].lstrip().lower()
    if low.startswith(b"<!doctype html") or low.startswith(b"<html"):
        raise UnsupportedFormat("an HTML page, not a document", path=path)
    if looks_like_text(head):
        if path and str(path).lower().endswith((".md", ".markdown")):
            return "md"
        return "txt"
    raise UnsupportedFormat("binary data of an unknown format", path=path)


def looks_like_text(head: bytes) -> bool:
    """True for UTF-8/UTF-16/cp1252 text; False for binary noise."""
    if not head:
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:8192]
    if b"\x00" in sample:
        # UTF-16 without BOM: every other byte is NUL for Latin text.
        even, odd = sample[0::2], sample[1::2]
        return odd.count(0) > 0.4 * len(odd) or even.count(0) > 0.4 * len(even)
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control <= 0.01 * len(sample)


def is_archive(head: bytes, suffix: str, source) -> bool:
    """A zip archive of files (to walk into), not a .docx/.odt (which are zips too).
    ``head``: the first bytes, ``suffix``: the name's (lower case), ``source``: a path or file."""
    if not head.startswith(ZIP_MAGIC) or suffix in DOCUMENT_SUFFIXES:
        return False
    names = zip_members(source)
    return names is not None and not OFFICE_MEMBERS & set(names)


def zip_members(path) -> list[str] | None:
    try:
        with zipfile.ZipFile(path) as z:
            return z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def detect(data: bytes, path=None) -> str:
    """The format of a whole file's bytes: :func:`detect_format`, opening a zip to see
    its members. Raises EmptyDocument for no bytes, CorruptFile for a damaged zip (a
    .docx or .odt cut short) and UnsupportedFormat for anything else it cannot read."""
    if not data:
        raise EmptyDocument("the file is empty (0 bytes)", path=path)
    names = None
    if data[:2] == b"PK":
        names = zip_members(io.BytesIO(data))
        if names is None and data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            raise CorruptFile("a damaged zip archive (a .docx or .odt that cannot be opened)", path=path)
    return detect_format(data[:8192], path, names)
