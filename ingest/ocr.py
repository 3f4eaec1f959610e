"""OCR for PDF pages without a usable text layer: Tesseract, Swedish, page by page.

Pages are rendered with pypdfium2 (in the calling thread: PDFium is not thread-safe)
and recognised by one ``tesseract`` process per page with ``OMP_THREAD_LIMIT=1``,
as many at once as there are CPUs, or as ``PROTOKOLL_OCR_PROCESSES`` says (the bulk
import gives each worker its share of the CPUs). Tesseract's own threading is 2-3x
slower than that on a small machine. Pages are rendered only as a process becomes
free, so a 2,000-page scan holds a few page images in memory, not 2,000.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

from protokoll.errors import OcrUnavailable
from protokoll.progress import SILENT, Progress

from . import ocrfix

DPI = 200
LANG = "swe"
PSM = "4"  # one column of text of variable sizes: a label and its value, a "§ 3." and its title stay one line
PAGE_TIMEOUT = 120  # seconds for one page


def tesseract() -> str:
    """Path of the tesseract binary with Swedish, or raise OcrUnavailable."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrUnavailable("the PDF has pages without text and Tesseract is not installed")
    return exe


def _render(pdf, index: int) -> bytes:
    page = pdf[index]
    try:
        bitmap = page.render(scale=DPI / 72, grayscale=True)
        image = bitmap.to_pil()
    finally:
        page.close()
    buf = io.BytesIO()
    image.save(buf, format="PPM")  # uncompressed: cheaper than PNG, Leptonica reads it
    return buf.getvalue()


def _recognise(exe: str, image: bytes, tsv: bool = False) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(
        [exe, "stdin", "stdout", "-l", LANG, "--psm", PSM, *(["tsv"] if tsv else [])],
        input=image, capture_output=True, env=env, timeout=PAGE_TIMEOUT, check=False,
    )
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        message = reason[-1] if reason else f"exit code {proc.returncode}"
        if "Failed loading language" in proc.stderr.decode("utf-8", "replace"):
            raise OcrUnavailable(f"Tesseract has no Swedish language data ({message})")
        raise OcrUnavailable(f"Tesseract failed: {message}")
    return proc.stdout.decode("utf-8", "replace")


def recognise_pages(pdf, indexes: list[int], path=None, progress: Progress = SILENT,
                    context: tuple[str, ...] = (), tsv: bool = False) -> dict[int, str]:
    """OCR text of the given 0-based pages of an open ``pypdfium2.PdfDocument``, with
    Tesseract's misreadings of "§" undone over the pages together (:mod:`.ocrfix`;
    ``context``: the text of the document's pages that were not OCR'd); with ``tsv``,
    Tesseract's table of words and their boxes in pixels at :data:`DPI`, as it is."""
    if not indexes:
        return {}
    try:
        exe = tesseract()
    except OcrUnavailable as e:
        e.path = None if path is None else str(path)
        raise
    workers = max(1, min(len(indexes), processes()))
    progress.set_total(len(indexes))
    results: dict[int, str] = {}
    with ThreadPoolExecutor(workers) as pool:
        pending: dict[int, object] = {}  # page -> future, in page order
        for i in indexes:
            while len(pending) >= workers + 1:  # one image waits ready for the next free process
                _collect(pending, results, path, progress)
            try:
                image = _render(pdf, i)
            except Exception:  # pypdfium2 raises PdfiumError or a bare error for a damaged page
                results[i] = ""
                continue
            pending[i] = pool.submit(_recognise, exe, image, tsv)
            del image
        while pending:
            _collect(pending, results, path, progress)
    return results if tsv else ocrfix.normalise_pages(results, context)


def processes() -> int:
    """How many Tesseract processes one OCR runs at once: ``PROTOKOLL_OCR_PROCESSES``,
    else the number of CPUs."""
    try:
        return max(1, int(os.environ.get("PROTOKOLL_OCR_PROCESSES", "")))
    except ValueError:
        return os.cpu_count() or 1


def _collect(pending: dict, results: dict, path, progress: Progress) -> None:
    """Wait for the oldest page in ``pending`` and move its text to ``results``."""
    i = next(iter(pending))
    fut = pending.pop(i)
    try:
        results[i] = fut.result()
    except subprocess.TimeoutExpired:
        results[i] = ""
    except OcrUnavailable as e:
        e.path, e.page = (None if path is None else str(path)), i + 1
        raise
    progress.update()
