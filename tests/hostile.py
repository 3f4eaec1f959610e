"""Generators for the bad-input corpus of issue 8, shared by the extractor tests
(``test_bad_input.py``) and the whole-archive import test (``test_hostile_archive.py``).

Every file is made from the samples or from scratch, in a test's temporary folder:
nothing here is committed as a binary.
"""

from __future__ import annotations

import ctypes
import io
import json
import subprocess
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from test_ingest_pdf import make_pdf

# Files that are not what their name says: (name, bytes, a word the reason names).
# ``None`` is a zip archive of loose files named .docx (see :func:`write_disguise`).
DISGUISES = [
    ("page.pdf", b"<!DOCTYPE html><html><body>Protokoll</body></html>", "HTML"),
    ("scan.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    ("photo.docx", b"\xff\xd8\xff\xe0" + bytes(200), "JPEG"),
    ("noise.txt", bytes(range(256)) * 40, "binary"),
    ("archive.docx", None, "zip archive"),
]

ODD_NAMES = {
    "unicode": "protokoll åäö – § 12 (kopia).docx",
    "spaces": "protokoll med  mellanslag .docx",
    "long": "p" * 240 + ".docx",
    "combining": "ångström\u0301.docx",
}

SECRET = "TOPSECRET-42"  # what an XXE entity would pull into the document


def write_disguise(path: Path, data: bytes | None) -> Path:
    if data is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "inte ett protokoll")
    else:
        path.write_bytes(data)
    return path


def small_docx(folder: Path, text="Kommunstyrelsen beslutar att godkänna budgeten.", name="small.docx") -> Path:
    d = docx.Document()
    d.add_paragraph(text)
    f = folder / name
    d.save(f)
    return f


def rezip(src: Path, dst: Path, replace: dict[str, bytes], drop=()) -> Path:
    """A copy of the zip package ``src`` with members replaced, added or dropped."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return dst


# --------------------------------------------------------------------------- PDF


def truncated(data: bytes, size: int = 600) -> bytes:
    return data[:size]


def broken_xref(data: bytes) -> bytes:
    """The PDF with its ``startxref`` pointing nowhere (PDFium rebuilds the table)."""
    start = data.rindex(b"startxref")
    return data[:start] + b"startxref\n999999\n%%EOF\n"


def bit_flipped(data: bytes, seed: int) -> bytes:
    """40 single-bit flips spread over the file, a different pattern per seed."""
    flipped = bytearray(data)
    step = len(data) // 40
    for i in range(seed * 97 % step, len(data), step):
        flipped[i] ^= 1 << (seed % 8)
    return bytes(flipped)


def blank_pages(n: int = 10_000) -> bytes:
    return make_pdf([[] for _ in range(n)])


def encrypted_pdfs(folder: Path, src: Path | None = None) -> dict[str, Path]:
    """{"user": password to open, "owner": owner-only password}: ``src`` (default a
    one-paragraph .docx) exported to PDF by LibreOffice."""
    src = src or small_docx(folder)
    out = {}
    for kind, options in {
        "user": {"EncryptFile": {"type": "boolean", "value": "true"},
                 "DocumentOpenPassword": {"type": "string", "value": "hemligt"}},
        "owner": {"RestrictPermissions": {"type": "boolean", "value": "true"},
                  "PermissionPassword": {"type": "string", "value": "agare"}},
    }.items():
        outdir = folder / kind
        subprocess.run(
            ["soffice", "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
             "--convert-to", "pdf:writer_pdf_Export:" + json.dumps(options), "--outdir", str(outdir), str(src)],
            capture_output=True, timeout=180, check=True,
        )
        out[kind] = outdir / (src.stem + ".pdf")
    return out


def with_garbage_text_layer(src: Path) -> bytes:
    """``src`` with an invisible text layer of nonsense on every page, like a bad OCR layer."""
    pdf = pdfium.PdfDocument(src)
    for page in pdf:
        font = pdfium_c.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
        obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, 10.0)
        encoded = ("xq7 kk3v zz9 qqq9 ]]x 8z8 77t zx1 11b 5vv 6kk " * 12 + "\0").encode("utf-16-le")
        pdfium_c.FPDFText_SetText(obj, (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded))
        pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 40, 30)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
        assert pdfium_c.FPDFPage_GenerateContent(page.raw)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- .docx


def docx_without_document(src: Path, dst: Path) -> Path:
    return rezip(src, dst, {}, drop=("word/document.xml",))


def decompression_bomb(folder: Path, name: str = "bomb.docx") -> Path:
    """A valid small .docx plus 64 MB of zeros stored in ~64 KB."""
    src = small_docx(folder, name="bomb-source.docx")
    f = folder / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("word/media/image1.png", bytes(64 * 1024 * 1024))
    src.unlink()
    return f


def xxe_docx(folder: Path, secret: Path, name: str = "xxe.docx") -> Path:
    """A .docx whose document.xml declares an external entity reading ``secret``."""
    src = small_docx(folder, name="xxe-source.docx")
    with zipfile.ZipFile(src) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    body = xml[xml.index("<w:document"):]
    evil = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        + body.replace("Kommunstyrelsen", "&xxe; Kommunstyrelsen", 1)
    )
    f = rezip(src, folder / name, {"word/document.xml": evil.encode("utf-8")})
    src.unlink()
    return f
