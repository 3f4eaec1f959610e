"""Refuse zip-based files (.docx, .odt) that would blow up when expanded.

The check reads only the zip's central directory (``ZipFile.infolist``), so a
decompression bomb is refused before a single member is inflated.
"""

from __future__ import annotations

import io
import zipfile

from protokoll.errors import CorruptFile, DecompressionBomb, FileTooLarge, describe

MAX_MEMBERS = 10_000
MAX_TOTAL = 512 * 1024 * 1024  # bytes, all members expanded
MAX_RATIO = 200  # expanded / compressed, for members over SMALL
SMALL = 1024 * 1024


def check_member(info: zipfile.ZipInfo, max_size: int) -> None:
    """Refuse one member of a zip archive of files before it is expanded: a name that
    points outside the archive, a size over ``max_size``, or a bomb's ratio."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or ".." in name.split("/") or name[1:2] == ":":  # C:/…
        raise CorruptFile(f"unsafe member name {info.filename!r} (points outside the archive): refused")
    if info.file_size > max_size:
        raise FileTooLarge(f"{info.file_size:,} bytes is over the limit of {max_size:,}")
    if info.file_size > SMALL and info.file_size / max(info.compress_size, 1) > MAX_RATIO:
        ratio = info.file_size / max(info.compress_size, 1)
        raise DecompressionBomb(f"expands {ratio:,.0f} times ({info.file_size:,} bytes)")


def check_zip(data: bytes, path=None) -> zipfile.ZipFile:
    """Open ``data`` as a zip after checking sizes and ratios; return the open ZipFile."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise CorruptFile(f"not a readable zip archive: {describe(e)}", path=path) from None
    if len(infos) > MAX_MEMBERS:
        raise DecompressionBomb(f"{len(infos):,} zip members (limit {MAX_MEMBERS:,})", path=path)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > SMALL and ratio > MAX_RATIO:
            raise DecompressionBomb(
                f"decompression bomb: {info.filename} expands {ratio:,.0f}x "
                f"to {info.file_size:,} bytes",
                path=path,
            )
    if total > MAX_TOTAL:
        raise DecompressionBomb(
            f"decompression bomb: members expand to {total:,} bytes (limit {MAX_TOTAL:,})", path=path
        )
    return z
