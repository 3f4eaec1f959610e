"""Folders and zip files into candidates: each file read once, hashed once, typed once.

* :func:`iter_files` walks folders recursively (symlinks followed, loops refused);
* :func:`iter_candidates` reads each file once into a :class:`Candidate` (its bytes and
  their sha256), opening ``.zip`` archives in memory (nothing is ever extracted to disk;
  members are checked by :func:`protokoll.ingest.safezip.check_member` first);
* :func:`select` gives a candidate's format by content (:mod:`protokoll.ingest.detect`),
  the one detection the file gets: the executors pass it on to ``ingest.read``;
* :func:`read_back` reads a candidate's bytes again from its path (``a.zip!b.zip!c.docx``
  included, through the same checks), where a cluster's worker is sent only the path
  and sha256 (:meth:`Candidate.without_data`). A path with ``://`` (``s3://…``) is opened
  through fsspec, which then needs the filesystem's package installed on the worker.
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
    CorruptFile, DecompressionBomb, FileChanged, FileTooLarge, ProtokollError, UnreadableFile, UnsupportedFormat,
    describe, os_reason,
)
from protokoll.ingest.detect import CONVERTED_SUFFIXES, DOCUMENT_SUFFIXES, TEXT_SUFFIXES, detect, is_archive
from protokoll.ingest.safezip import check_member
from protokoll.pipeline.process import Failure
from protokoll.progress import SILENT, Progress

MAX_ZIP_DEPTH = 3  # zip inside zip inside zip


@dataclass(frozen=True)
class Candidate:
    """A file's bytes and where they came from (``zip!member`` for archive members), with
    their sha256 (computed here, once) and, once :func:`select` knew it, their format."""

    path: str
    data: bytes | None = dataclasses.field(repr=False)
    sha256: str | None = None
    format: str | None = None
    size: int | None = None  # of the bytes, kept when they are dropped

    def __post_init__(self):
        if self.sha256 is None:
            object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())
        if self.size is None:
            object.__setattr__(self, "size", len(self.data))

    @property
    def suffix(self) -> str:
        return Path(self.path.rsplit("!", 1)[-1]).suffix.lower()

    def without_data(self) -> "Candidate":
        """The same candidate without its bytes (read again by :func:`read_back`)."""
        return dataclasses.replace(self, data=None)


def iter_files(paths: Iterable[str | os.PathLike], skipped: list | None = None) -> Iterator[str]:
    """Every regular file under ``paths`` (files or folders), in a stable sorted order.

    Symlinks are followed; a folder reached twice (a symlink loop, or two links to
    one folder) is walked once and the repeat goes to ``skipped`` with a reason, as do
    folders that cannot be listed.
    """
    seen: set[tuple[int, int]] = set()
    skipped = [] if skipped is None else skipped
    for p in paths:
        if is_url(p):
            yield from _walk_url(str(p))
            continue
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
            size = _size(path)
            if size > max_size and not path.lower().endswith(".zip"):
                raise FileTooLarge(f"{size:,} bytes is over the limit of {max_size:,}", path=path)
            with _open(path) as f:
                head = f.read(8)
                if is_archive(head, Path(path).suffix.lower(), f if is_url(path) else path):
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
            data = _read_member(z, info, max_size)
        except ProtokollError as e:
            yield Failure.from_error(path, e, "read")
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


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, max_size: int) -> bytes:
    """One member's bytes, checked by ``safezip`` first and never more than ``max_size``."""
    try:
        check_member(info, max_size)
        with z.open(info) as f:
            data = f.read(max_size + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as e:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise CorruptFile(f"cannot read the archive member: {describe(e)}") from None
    if len(data) > max_size:
        raise DecompressionBomb(f"expands to more than the limit of {max_size:,} bytes")
    return data


def read_back(path: str, *, sha256: str | None = None, max_size: int = ingest.DEFAULT_MAX_SIZE) -> bytes:
    """The bytes at ``path`` as :func:`iter_candidates` gave them: a file, a URL (fsspec),
    or ``archive.zip!member`` (nested up to :data:`MAX_ZIP_DEPTH`), members read through the
    same checks. Raises :class:`FileChanged` when their sha256 is not ``sha256`` (the file
    changed since the walk), or the error of a file that cannot be read."""
    parts = path.split("!")
    outer = next((i for i in range(1, len(parts) + 1) if _is_file("!".join(parts[:i]))), len(parts))
    try:
        with _open("!".join(parts[:outer])) as f:
            data = f.read(max_size + 1) if outer == len(parts) else _from_zip(f, parts[outer:], max_size)
    except zipfile.BadZipFile as e:
        raise CorruptFile(f"a broken zip archive: {describe(e)}", path=path) from None
    except OSError as e:
        raise UnreadableFile(os_reason(e), path=path) from None
    if len(data) > max_size:
        raise FileTooLarge(f"over the limit of {max_size:,} bytes", path=path)
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise FileChanged("its bytes changed since the archive was walked (another sha256)", path=path)
    return data


def _from_zip(f, rest: list[str], max_size: int, depth: int = 1) -> bytes:
    """The member named by ``rest`` (names joined by "!", a name may hold "!" itself)."""
    with zipfile.ZipFile(f) as z:
        names = set(z.namelist())
        for i in range(len(rest), 0, -1):  # the longest name that is a member
            name = "!".join(rest[:i])
            if name in names:
                data = _read_member(z, z.getinfo(name), max_size)
                if i == len(rest):
                    return data
                if depth >= MAX_ZIP_DEPTH:
                    break
                return _from_zip(io.BytesIO(data), rest[i:], max_size, depth + 1)
    raise UnreadableFile(f"no member {'!'.join(rest)} in the archive (changed since the walk?)")


def _is_file(path: str) -> bool:
    if is_url(path):
        import fsspec

        fs, inner = fsspec.core.url_to_fs(path)
        return fs.isfile(inner)
    return os.path.isfile(path)


def is_url(path) -> bool:
    """A path that fsspec opens (``s3://bucket/archive``, ``file:///mnt/archive``)."""
    return "://" in str(path)


def _walk_url(url: str) -> Iterator[str]:
    """Every file under ``url`` (a folder or a file of an fsspec filesystem), sorted."""
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(url)
        if not fs.exists(root):
            raise UnreadableFile("no such file or folder", path=url)
        files = sorted(fs.find(root)) if fs.isdir(root) else [root]
    except ProtokollError:
        raise
    except (ImportError, ValueError) as e:  # an unknown protocol, or its package not installed
        raise UnreadableFile(f"cannot open this kind of URL ({str(e).strip() or type(e).__name__})", path=url) from None
    except OSError as e:
        raise UnreadableFile(f"cannot list it: {os_reason(e)}", path=url) from None
    yield from (url if f == root else fs.unstrip_protocol(f) for f in files)


def _size(path: str) -> int:
    """The size of a regular file (or fsspec URL); UnreadableFile for anything else."""
    if is_url(path):
        import fsspec

        fs, inner = fsspec.core.url_to_fs(path)
        return fs.size(inner)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile("not a regular file", path=path)
    return st.st_size


def _open(path: str):
    if is_url(path):
        import fsspec

        return fsspec.open(path, "rb").open()
    return open(path, "rb")


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


def will_convert(files: Iterable[str]) -> bool:
    """Whether the files of a walk (:func:`iter_files`) include one LibreOffice converts,
    by its name (.doc, .odt, .rtf): the import then starts LibreOffice at once
    (:meth:`protokoll.ingest.shared.Service.warm`). A zip's members, not listed before
    the zip is read, and misnamed files are converted all the same, with LibreOffice
    started when the first of them arrives."""
    return any(Path(f).suffix.lower() in CONVERTED_SUFFIXES for f in files)
