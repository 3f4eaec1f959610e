"""Every kind of bad input gives its own ProtokollError with a one-line reason.

The corpus is made by tests/hostile.py, from the samples or from scratch: zero bytes, truncated,
bit-flipped and re-xref'd PDFs, encrypted PDFs (LibreOffice's PDF export with a
password), 10,000 blank pages, a garbage text layer, broken .docx packages, a zip
bomb, XXE, files in disguise, size limits, unreadable paths and missing programs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import hostile
import pypdfium2 as pdfium
import pytest

from protokoll import errors, ingest
from protokoll.records import Document

PROTOKOLL = Path(sys.executable).with_name("protokoll")


def _expect(error_class, path, **kw):
    with pytest.raises(error_class) as info:
        ingest.read(path, **kw)
    e = info.value
    assert "\n" not in e.one_line() and e.reason
    assert type(e) is error_class or error_class is errors.ProtokollError
    return e


# --------------------------------------------------------------------------- any format


def test_zero_bytes(tmp_path):
    f = tmp_path / "empty.pdf"
    f.write_bytes(b"")
    _expect(errors.EmptyDocument, f)


def test_whitespace_only_text(tmp_path):
    f = tmp_path / "blank.txt"
    f.write_text("\n   \n\t\n")
    _expect(errors.EmptyDocument, f)


def test_over_the_size_limit(samples):
    e = _expect(errors.FileTooLarge, samples / "aldras.pdf", max_size=1000)
    assert "over the limit" in e.reason


def test_missing_file(tmp_path):
    _expect(errors.UnreadableFile, tmp_path / "nowhere.pdf")


def test_directory_and_fifo_are_refused_without_blocking(tmp_path):
    _expect(errors.UnreadableFile, tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    _expect(errors.UnreadableFile, fifo)  # reading would block forever


def test_permission_denied(samples, tmp_path):
    """A file the reader may not read. Root may read anything, so as root the read runs
    in a child process that has dropped to the unprivileged user ``nobody``."""
    f = tmp_path / "secret.txt"
    f.write_text("Hemligt protokoll")
    f.chmod(0)
    code = (
        "import os, sys\n"
        "from protokoll import ingest, errors\n"  # imported first: nobody may not read the venv
        "if os.geteuid() == 0:\n"
        "    os.setgid(65534); os.setuid(65534)\n"
        "try:\n"
        "    ingest.read(sys.argv[1])\n"
        "except errors.UnreadableFile as e:\n"
        "    print('UnreadableFile', e.reason)\n"
    )
    tmp_path.chmod(0o755)  # let nobody reach the file (and be refused by the file's own mode)
    r = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True, text=True, timeout=60,
                       cwd="/")
    assert r.stdout.startswith("UnreadableFile"), r.stderr[-500:]
    assert "Permission denied" in r.stdout


@pytest.mark.parametrize("name", list(hostile.ODD_NAMES.values()), ids=list(hostile.ODD_NAMES))
def test_odd_file_names(samples, tmp_path, name):
    f = tmp_path / name
    f.write_bytes((samples / "aldras.docx").read_bytes())
    doc = ingest.read(f)
    assert doc.source.path == str(f) and "Godkännande av dagordningen" in doc.text


@pytest.mark.parametrize(("name", "data", "reason"), hostile.DISGUISES)
def test_files_in_disguise(tmp_path, name, data, reason):
    f = hostile.write_disguise(tmp_path / name, data)
    e = _expect(errors.UnsupportedFormat, f)
    assert reason in e.reason


# --------------------------------------------------------------------------- PDF


def test_truncated_pdf(samples, tmp_path):
    f = tmp_path / "truncated.pdf"
    f.write_bytes(hostile.truncated((samples / "aldras.pdf").read_bytes()))
    _expect(errors.CorruptFile, f)


def test_pdf_header_then_garbage(tmp_path):
    f = tmp_path / "garbage.pdf"
    f.write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    _expect(errors.CorruptFile, f)


def test_broken_xref_is_repaired_or_refused(samples, tmp_path):
    f = tmp_path / "xref.pdf"
    f.write_bytes(hostile.broken_xref((samples / "aldras.pdf").read_bytes()))
    doc = ingest.read(f)  # PDFium rebuilds the cross-reference table from the objects
    assert "Godkännande av dagordningen" in doc.text


def test_bit_flipped_pdfs_give_a_document_or_a_typed_error(samples):
    data = (samples / "lsvo-2024-12-13.pdf").read_bytes()
    outcomes = {"document": 0, "error": 0}
    for seed in range(12):
        flipped = hostile.bit_flipped(data, seed)
        try:
            result = ingest.read(f"flip-{seed}.pdf", data=bytes(flipped))
            assert isinstance(result, Document)
            outcomes["document"] += 1
        except errors.ProtokollError as e:
            assert e.reason and "\n" not in e.reason
            outcomes["error"] += 1
    assert sum(outcomes.values()) == 12


def test_ten_thousand_blank_pages(tmp_path):
    f = tmp_path / "blank.pdf"
    f.write_bytes(hostile.blank_pages(10_000))
    e = _expect(errors.EmptyDocument, f)  # no OCR for pages with nothing drawn
    assert "no text" in e.reason


@pytest.fixture(scope="module")
def encrypted_pdfs(tmp_path_factory):
    """(user-password PDF, owner-only-password PDF), exported by LibreOffice."""
    return hostile.encrypted_pdfs(tmp_path_factory.mktemp("encrypted"))


@pytest.mark.slow
def test_encrypted_pdf(encrypted_pdfs):
    e = _expect(errors.EncryptedFile, encrypted_pdfs["user"])
    assert "password" in e.reason


@pytest.mark.slow
def test_owner_only_password_pdf_is_read(encrypted_pdfs):
    assert b"/Encrypt" in encrypted_pdfs["owner"].read_bytes()
    doc = ingest.read(encrypted_pdfs["owner"])
    assert "Kommunstyrelsen beslutar att godkänna budgeten." in doc.text


@pytest.mark.slow
def test_garbage_text_layer_is_replaced_by_ocr(samples, tmp_path):
    f = tmp_path / "garbage-layer.pdf"
    f.write_bytes(hostile.with_garbage_text_layer(samples / "aldras-scanned.pdf"))
    assert "kk3v" in pdfium.PdfDocument(f)[0].get_textpage().get_text_range()
    doc = ingest.read(f)
    assert "Godkännande av dagordningen" in doc.text
    assert "kk3v" not in doc.text


# --------------------------------------------------------------------------- .docx


def test_damaged_zip(tmp_path, samples):
    f = tmp_path / "damaged.docx"
    f.write_bytes((samples / "aldras.docx").read_bytes()[:3000])
    _expect(errors.CorruptFile, f)


def test_zip_without_word_document(tmp_path, samples):
    f = hostile.docx_without_document(samples / "aldras.docx", tmp_path / "nodoc.docx")
    e = _expect(errors.UnsupportedFormat, f)
    assert "word/document.xml" in e.reason


@pytest.mark.parametrize(
    "xml",
    [
        b"<w:document><unclosed>",
        b'<?xml version="1.0"?><foo><bar/></foo>',
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
    ],
    ids=["not-xml", "wrong-root", "no-body"],
)
def test_broken_document_xml(tmp_path, samples, xml):
    f = hostile.rezip(samples / "aldras.docx", tmp_path / "badxml.docx", {"word/document.xml": xml})
    _expect(errors.CorruptFile, f)


def test_decompression_bomb_refused_before_expanding(tmp_path):
    f = hostile.decompression_bomb(tmp_path)  # 64 MB of zeros, ~64 KB stored
    assert f.stat().st_size < 1_000_000
    e = _expect(errors.DecompressionBomb, f)
    assert isinstance(e, errors.FileTooLarge) and "expands" in e.reason


def test_xxe_reads_no_file_outside_the_document(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(hostile.SECRET)
    f = hostile.xxe_docx(tmp_path, secret)
    try:
        doc = ingest.read(f)
    except errors.ProtokollError:
        return  # refusing the file is as good as ignoring the entity
    assert "TOPSECRET" not in doc.text
    assert "budgeten" in doc.text


# --------------------------------------------------------------------------- missing programs


def _cli_without_programs(tmp_path, file):
    """`protokoll text FILE` with a PATH that has neither Tesseract nor LibreOffice."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": str(empty)}
    return subprocess.run([str(PROTOKOLL), "text", str(file)], capture_output=True, text=True, env=env, timeout=120)


def test_ocr_needed_but_tesseract_missing(samples, tmp_path):
    r = _cli_without_programs(tmp_path, samples / "aldras-scanned.pdf")
    assert r.returncode == 1
    assert r.stderr.startswith("Error: ") and "Tesseract is not installed" in r.stderr
    assert "Hint: install Tesseract" in r.stderr and "Traceback" not in r.stderr


def test_tesseract_without_swedish(samples, tmp_path):
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    env = {**os.environ, "TESSDATA_PREFIX": str(tessdata)}  # a Tesseract with no language data
    r = subprocess.run([str(PROTOKOLL), "text", str(samples / "aldras-scanned.pdf")],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1
    assert "Tesseract has no Swedish language data" in r.stderr and "Traceback" not in r.stderr


def test_legacy_format_but_libreoffice_missing(samples, tmp_path):
    r = _cli_without_programs(tmp_path, samples / "aldras.doc")
    assert r.returncode == 1
    assert "LibreOffice (soffice) is not installed" in r.stderr
    assert "Hint: install LibreOffice" in r.stderr and "Traceback" not in r.stderr
