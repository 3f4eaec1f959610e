"""Extraction speed, measured in one run on the sample files (not a test: prints a table).

    .venv/bin/python -m bench.extract [--rounds 5]

Text-layer PDFs: ``ingest.read`` (ours: text, reading order, running lines, paragraphs)
against raw pypdfium2 ``get_text_range()`` and pdfplumber ``extract_text()`` on the same
pages, as pages/s and ratios. Then OCR s/page (one Tesseract thread per process, pages
in parallel, against Tesseract's own threading one page at a time), .docx ms/file, and
legacy formats s/file with the long-running converter against a fresh soffice per file.
Targets (issue 3): ours >= 0.5x raw and >= 10x pdfplumber; OCR <= 2 s/page on 2 cores;
.docx <= 100 ms/file; legacy <= 0.5 s/file once the converter runs.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import tempfile
import time

import pdfplumber
import pypdfium2 as pdfium

from bench.common import SAMPLES, best_of
from protokoll import ingest

PDFS = [SAMPLES / "lsvo-2024-12-13.pdf", SAMPLES / "aldras.pdf"]
DOCX = [SAMPLES / "lsvo-2024-12-13.docx", SAMPLES / "aldras.docx"]
LEGACY = [SAMPLES / "aldras.doc", SAMPLES / "lsvo-2024-12-13.odt", SAMPLES / "lsvo-2024-12-13.rtf"]
SCANNED = SAMPLES / "aldras-scanned.pdf"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raw_pypdfium2():
    for p in PDFS:
        pdf = pdfium.PdfDocument(p)
        for page in pdf:
            page.get_textpage().get_text_range()
        pdf.close()


def ours():
    for p in PDFS:
        ingest.read(p)


def plumber():
    for p in PDFS:
        with pdfplumber.open(p) as pdf:
            for page in pdf.pages:
                page.extract_text()


def render(pdf, index: int, dpi: int = 200) -> bytes:
    """Page ``index`` as a grey PPM image at ``dpi`` (as the OCR stage renders it)."""
    page = pdf[index]
    try:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()
    buf = io.BytesIO()
    image.save(buf, format="PPM")
    return buf.getvalue()


def tesseract_threaded_sequential(pdf) -> None:
    """The alternative: Tesseract's own OpenMP threads, one page after the other."""
    exe = shutil.which("tesseract") or "tesseract"
    for i in range(len(pdf)):
        subprocess.run([exe, "stdin", "stdout", "-l", "swe"], input=render(pdf, i),
                       capture_output=True, check=True, env={k: v for k, v in os.environ.items()
                                                             if k != "OMP_THREAD_LIMIT"})


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    pages = sum(len(pdfium.PdfDocument(p)) for p in PDFS)
    rows = []

    raw_s = best_of(raw_pypdfium2, args.rounds)
    ours_s = best_of(ours, args.rounds)
    plumber_s = best_of(plumber, 1)
    rows += [
        ("raw pypdfium2 get_text_range()", f"{pages / raw_s:,.0f} pages/s", "1.00x raw"),
        ("ours: ingest.read (text layer)", f"{pages / ours_s:,.0f} pages/s",
         f"{raw_s / ours_s:.2f}x raw, {plumber_s / ours_s:.0f}x pdfplumber"),
        ("pdfplumber extract_text()", f"{pages / plumber_s:,.1f} pages/s", f"{raw_s / plumber_s:.3f}x raw"),
    ]

    scanned_pages = len(pdfium.PdfDocument(SCANNED))
    cpu_before = _children_cpu()
    ocr_s = best_of(lambda: ingest.read(SCANNED), 1)
    ocr_cpu = (_children_cpu() - cpu_before) / scanned_pages
    pdf = pdfium.PdfDocument(SCANNED)
    seq_s = best_of(lambda: tesseract_threaded_sequential(pdf), 1)
    rows += [
        (f"OCR ours ({os.cpu_count()} CPUs, 1 thread/page)", f"{ocr_s / scanned_pages:.2f} s/page", ""),
        ("OCR Tesseract CPU time (1 thread)", f"{ocr_cpu:.2f} s/page",
         f"= {ocr_cpu / (os.cpu_count() or 1):.2f} s/page on {os.cpu_count()} idle CPUs"),
        ("OCR Tesseract threads, sequential", f"{seq_s / scanned_pages:.2f} s/page",
         f"{seq_s / ocr_s:.2f}x slower than ours"),
    ]

    docx_s = best_of(lambda: [ingest.read(p) for p in DOCX], args.rounds)
    rows.append((".docx ingest.read", f"{1000 * docx_s / len(DOCX):.0f} ms/file", ""))

    t = time.perf_counter()
    ingest.read(LEGACY[0])  # starts the converter
    start_s = time.perf_counter() - t
    warm_s = best_of(lambda: [ingest.read(p) for p in LEGACY], 2)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        for i, p in enumerate(LEGACY):  # a fresh LibreOffice (its own profile) per file
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile-{i}",
                            "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(p)],
                           capture_output=True, check=True)
        fresh_s = time.perf_counter() - t
    rows += [
        ("legacy: first file (starts LibreOffice)", f"{start_s:.2f} s", ""),
        ("legacy: converter running", f"{warm_s / len(LEGACY):.2f} s/file", ""),
        ("legacy: fresh soffice per file", f"{fresh_s / len(LEGACY):.2f} s/file",
         f"{fresh_s / warm_s:.1f}x slower"),
    ]

    width = max(len(r[0]) for r in rows)
    load = os.getloadavg()
    print(f"{pages} text-layer PDF pages, {scanned_pages} scanned pages, best of {args.rounds} rounds; "
          f"load average {load[0]:.1f} at the end ({os.cpu_count()} CPUs)")
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>16}  {ratio}")


if __name__ == "__main__":
    main()
