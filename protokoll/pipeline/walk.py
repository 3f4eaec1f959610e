"""Folders and zip files into candidates: each file read once, hashed once, typed once.

* :func:`iter_files` walks folders recursively (symlinks followed, loops refused);
* :func:`iter_candidates` reads each file once into a :class:`Candidate` (its bytes and
  their sha256), opening ``.zip`` archives in memory (nothing is ever extracted to disk;
  members are checked by :func:`protokoll.ingest.safezip.check_member` first);
* :func:`select` gives a candidate's format by content (:mod:`protokoll.ingest.detect`),
  the one detection the file gets: the executors pass it on to ``ingest.read``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from protokoll import ingest
from protokoll.errors import (
    CorruptFile, DecompressionBomb, FileTooLarge, ProtokollError, UnreadableFile, UnsupportedFormat, describe,
    os_reason,
)
from protokoll.ingest.detect import DOCUMENT_SUFFIXES, TEXT_SUFFIXES, detect, is_archive
from protokoll.ingest.safezip import check_member
from protokoll.pipeline.process import Failure
from protokoll.progress import SILENT, Progress

MAX_ZIP_DEPTH = 3  # zip inside zip inside zip


@dataclass(frozen=True)
class Candidate:
    """A file's bytes and where they came from (``zip!member`` for archive members), with
    their sha256 (computed here, once) and, once :func:`select` knew it, their format."""

    path: str
    data: bytes = dataclasses.field(repr=False)
    sha256: str | None = None
    format: str | None = None

    def __post_init__(self):
        if self.sha256 is None:
            object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())

    @property
    def suffix(self) -> str:
        return Path(self.path.rsplit("!", 1)[-1]).suffix.lower()

    @property
    def size(self) -> int:
        return len(self.data)


def iter_files(paths: Iterable[str | os.PathLike], skipped: list | None = None) -> Iterator[str]:
    """Every regular file under ``paths`` (files or folders), in a stable sorted order.

    Symlinks are followed; a folder reached twice (a symlink loop, or two links to
    one folder) is walked once and the repeat goes to ``skipped`` with a reason, as do
    folders that cannot be listed.
    """
    seen: set[tuple[int, int]] = set()
    skipped = [] if skipped is None else skipped
    for p in paths:
        p = os.path.abspath(p)
        if os.path.isdir(p):
            yield from _walk(p, seen, skipped)
        else:
            yield p


def _walk(folder: str, seen: set, skipped: list) -> Iterator[str]:
    try:
        st = os.stat(folder)
    except OSError as e:
        skipped.append((folder, f"cannot open the folder: {e.strerror}"))
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        skipped.append((folder, "folder already walked (symlink loop or second link)"))
        return
    seen.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        skipped.append((folder, f"cannot list the folder: {e.strerror}"))
        return
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(entry.path, seen, skipped)
        elif os.path.islink(entry.path) and not os.path.exists(entry.path):
            skipped.append((entry.path, "broken symlink"))
        else:
            yield entry.path


def iter_candidates(
    files: Iterable[str], *, max_size: int = ingest.DEFAULT_MAX_SIZE, progress: Progress = SILENT,
    opened: set[str] | None = None,
) -> Iterator[Candidate | Failure]:
    """Read each file once; yield its bytes, or the members of a ``.zip`` archive.

    Files that cannot be read (permission denied, removed meanwhile, over ``max_size``)
    come out as :class:`Failure` so they are recorded and the import goes on. Opening
    an archive adds its members to ``progress.total``, and its path (``zip!inner.zip``
    for one inside another) to ``opened``: its member list is complete.
    """
    opened = set() if opened is None else opened
    for path in files:
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise UnreadableFile("not a regular file", path=path)
            if st.st_size > max_size and not path.lower().endswith(".zip"):
                raise FileTooLarge(f"{st.st_size:,} bytes is over the limit of {max_size:,}", path=path)
            with open(path, "rb") as f:
                head = f.read(8)
                if is_archive(head, Path(path).suffix.lower(), path):
                    with zipfile.ZipFile(f) as z:
                        yield from _members(z, path, max_size, progress, 1, opened)
                    continue
                data = head + f.read(max_size + 1 - len(head))
        except ProtokollError as e:
            yield Failure.from_error(path, e, "read")
            continue
        except zipfile.BadZipFile as e:
            yield Failure(path, CorruptFile.code, f"a broken zip archive: {describe(e)}", "read")
            continue
        except OSError as e:
            yield Failure(path, UnreadableFile.code, os_reason(e), "read")
            continue
        if len(data) > max_size:
            yield Failure(path, FileTooLarge.code, f"grew over the limit of {max_size:,} bytes while read", "read")
            continue
        yield Candidate(path, data)


def read_files(files: Iterable[str]) -> Iterator[Candidate | Failure]:
    """Each of ``files`` read whole, as it is (no archive opened, no size limit before
    ``ingest.read``'s): what ``protokoll load`` imports. A file that cannot be read is a
    :class:`Failure` without bytes."""
    for path in files:
        path = os.path.abspath(path)
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            yield Failure(path, UnreadableFile.code, os_reason(e), "read")
            continue
        yield Candidate(path, data)


def _members(z: zipfile.ZipFile, container: str, max_size: int, progress: Progress, depth: int, opened: set[str]):
    infos = [i for i in z.infolist() if not i.is_dir()]
    opened.add(container)
    if progress.total is not None:
        progress.set_total(progress.total + len(infos) - 1)
    for info in sorted(infos, key=lambda i: i.filename):
        path = f"{container}!{info.filename}"
        try:
            check_member(info, max_size)
            with z.open(info) as f:
                data = f.read(max_size + 1)
            if len(data) > max_size:
                raise DecompressionBomb(f"expands to more than the limit of {max_size:,} bytes")
        except ProtokollError as e:
            yield Failure.from_error(path, e, "read")
            continue
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as e:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
            yield Failure(path, CorruptFile.code, f"cannot read the archive member: {describe(e)}", "read")
            continue
        suffix = Path(info.filename).suffix.lower()
        if depth < MAX_ZIP_DEPTH and is_archive(data[:8], suffix, io.BytesIO(data)):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    yield from _members(inner, path, max_size, progress, depth + 1, opened)
            except zipfile.BadZipFile as e:
                yield Failure(path, CorruptFile.code, f"a broken zip archive: {describe(e)}", "read")
            continue
        yield Candidate(path, data)


def select(candidate: Candidate) -> str:
    """The format of a candidate that is a protocol, by content.

    Raises :class:`UnsupportedFormat`, :class:`EmptyDocument` or :class:`CorruptFile` with the
    reason otherwise. The caller records it as a failure when :func:`claims_document`
    is true, and as skipped when not.
    """
    fmt = detect(candidate.data, candidate.path)
    if fmt in ("txt", "md") and candidate.suffix not in TEXT_SUFFIXES:
        raise UnsupportedFormat(f"a text file named {candidate.suffix}, not a protocol", path=candidate.path)
    return fmt


def claims_document(candidate: Candidate) -> bool:
    return candidate.suffix in DOCUMENT_SUFFIXES
