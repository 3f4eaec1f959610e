"""Ingestion: any supported file into one ordered stream of blocks.

    >>> from protokoll import ingest
    >>> doc = ingest.read("samples/lsvo-2024-12-13.docx")
    >>> doc.blocks[0].kind, doc.source.format

The format is detected from the content, never from the file name (:mod:`.detect`):

- .docx: :mod:`.word` (python-docx; Word list numbering by :mod:`.numbering`; zip bombs
  refused by :mod:`.safezip` before anything is expanded)
- .pdf: :mod:`.pdf` (pypdfium2 text layer, running headers/footers removed, OCR by
  :mod:`.ocr` for pages without a usable text layer)
- .doc/.odt/.rtf: converted to .docx by one long-running LibreOffice (:mod:`.convert`)
- .txt/.md: :mod:`.text` (UTF-8, UTF-8 BOM, UTF-16, cp1252)

Anything unreadable raises a :class:`protokoll.errors.ProtokollError` subclass with a
one-line reason.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import partial
from pathlib import Path

from protokoll.errors import EmptyDocument, FileTooLarge, UnreadableFile
from protokoll.progress import SILENT, Progress
from protokoll.records import Document, Source

from .detect import detect
from .text import decode, text_blocks

DEFAULT_MAX_SIZE = 200 * 1024 * 1024  # bytes


def read(path, *, max_size: int = DEFAULT_MAX_SIZE, data: bytes | None = None,
         progress: Progress = SILENT, sha256: str | None = None, format: str | None = None,  # noqa: A002
         converter=None) -> Document:
    """Read one file into a :class:`Document`.

    ``progress`` counts OCR'd pages (the only slow part). ``sha256`` and ``format``:
    what a caller that has ``data`` already worked out (the pipeline's walk), so
    neither is computed twice. ``converter``: the :mod:`.convert` converter for
    .doc/.odt/.rtf (one made for the call, and closed, when not given). Raises a
    :class:`protokoll.errors.ProtokollError` subclass with a one-line reason for anything
    it cannot read.
    """
    path = str(path)
    if data is None:
        try:
            st = os.stat(path)
        except OSError as e:
            raise UnreadableFile(e.strerror or str(e), path=path) from None
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read forever
            what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise UnreadableFile(f"{what}, not a document", path=path)
        size = st.st_size
        if size > max_size:
            raise FileTooLarge(f"{size:,} bytes is over the limit of {max_size:,}", path=path)
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise UnreadableFile(e.strerror or str(e), path=path) from None
    elif len(data) > max_size:
        raise FileTooLarge(f"{len(data):,} bytes is over the limit of {max_size:,}", path=path)
    fmt = format or detect(data, path)
    sha = sha256 or hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        return _read_pdf(path, data, sha, progress)
    if fmt in ("doc", "odt", "rtf"):
        return _read_legacy(path, data, sha, fmt, converter)
    return _READERS[fmt](path, data, sha)


def _read_text(path: str, data: bytes, sha: str, fmt: str = "txt") -> Document:
    from . import layout

    text = decode(data, path)
    if fmt == "txt" and layout.is_paged(text):  # extracted from a PDF, pages kept
        blocks, pages = layout.blocks(text)
        return _document(Source(path, sha, fmt, pages, len(data)), blocks)
    return _document(Source(path, sha, fmt, None, len(data)), text_blocks(text, markdown=(fmt == "md")))


def _read_docx(path: str, data: bytes, sha: str) -> Document:
    from . import word

    return _document(Source(path, sha, "docx", None, len(data)), word.blocks(data, path))


def _read_legacy(path: str, data: bytes, sha: str, fmt: str, converter=None) -> Document:
    from . import convert, word

    blocks = word.blocks(convert.to_docx(data, fmt, path, converter), path)
    return _document(Source(path, sha, fmt, None, len(data)), blocks)


def _read_pdf(path: str, data: bytes, sha: str, progress: Progress = SILENT) -> Document:
    from . import pdf

    blocks, pages, warnings = pdf.blocks(data, path, progress)
    return _document(Source(path, sha, "pdf", pages, len(data)), blocks, warnings)


def _document(source: Source, blocks, warnings=()) -> Document:
    blocks = tuple(blocks)
    if not blocks:
        raise EmptyDocument(f"the {source.format} file has no text", path=source.path)
    return Document(source, blocks, tuple(warnings))


# Readers by format; PDF is read by _read_pdf, the one reader that reports progress, and
# .doc/.odt/.rtf by _read_legacy, the one that takes a converter.
_READERS = {
    "txt": _read_text,
    "md": partial(_read_text, fmt="md"),
    "docx": _read_docx,
}
