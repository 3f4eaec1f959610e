"""Ingestion: any supported file into one ordered stream of blocks.

    >>> from protokoll import ingest
    >>> doc = ingest.read("samples/lsvo-2024-12-13.docx")
    >>> doc.blocks[0].kind, doc.source.format

The format is detected from the content, never from the file name.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from protokoll.errors import EmptyDocument, FileTooLarge, UnreadableFile
from protokoll.records import Document, Source

from .detect import detect_format, zip_members
from .text import decode, text_blocks

DEFAULT_MAX_SIZE = 200 * 1024 * 1024  # bytes


def read(path, *, max_size: int = DEFAULT_MAX_SIZE, data: bytes | None = None) -> Document:
    """Read one file into a :class:`Document`.

    Raises a :class:`protokoll.errors.ProtokollError` subclass with a one-line reason
    for anything it cannot read.
    """
    path = str(path)
    if data is None:
        try:
            size = os.path.getsize(path)
        except OSError as e:
            raise UnreadableFile(e.strerror or str(e), path=path) from None
        if size > max_size:
            raise FileTooLarge(f"{size:,} bytes is over the limit of {max_size:,}", path=path)
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise UnreadableFile(e.strerror or str(e), path=path) from None
    elif len(data) > max_size:
        raise FileTooLarge(f"{len(data):,} bytes is over the limit of {max_size:,}", path=path)
    if not data:
        raise EmptyDocument("the file is empty (0 bytes)", path=path)
    sha = hashlib.sha256(data).hexdigest()
    names = None
    if data[:2] == b"PK":
        import io

        names = zip_members(io.BytesIO(data))
    fmt = detect_format(data[:8192], path, names)
    return _READERS[fmt](path, data, sha)


def _read_text(path: str, data: bytes, sha: str, fmt: str = "txt") -> Document:
    text = decode(data, path)
    blocks = tuple(text_blocks(text, markdown=(fmt == "md")))
    if not blocks:
        raise EmptyDocument("the file has no text", path=path)
    return Document(Source(path, sha, fmt, None, len(data)), blocks)


_READERS = {
    "txt": _read_text,
    "md": lambda p, d, s: _read_text(p, d, s, "md"),
}
