"""One pure step from a file (path + bytes) to a serialisable Protocol, or a Failure.

:func:`process` is what ``protokoll parse`` runs; :func:`convert` is what every
executor runs for each file of an import: the same, with every error turned into a
picklable :class:`Failure` record, so it runs unchanged in this process, in a local
process pool or on a distributed engine.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass

from protokoll import ingest
from protokoll.errors import ProtokollError, describe
from protokoll.records import Protocol

# The stages a file goes through, in order (process's on_stage).
STAGES = ("read", "parse", "tag")

# Which stage a failure happened in, from the module that raised it.
_STAGE_MODULES = (
    ("protokoll.ingest", "read"),
    ("protokoll.parsers", "parse"),
    ("protokoll.nlp", "tag"),
)


def process(path, data: bytes | None = None, *, nlp=None, max_size: int = ingest.DEFAULT_MAX_SIZE,
            on_stage=None, sha256: str | None = None, format: str | None = None,  # noqa: A002
            converter=None) -> Protocol:
    """ingest.read → parsers.parse → nlp.tag (when a spaCy ``Language`` is given).

    ``on_stage``, if given, is called with ``"read"``, ``"parse"`` and ``"tag"`` just
    before each stage starts (an import's workers tell the parent where they are, so a
    worker killed mid-file is recorded with the right stage). ``sha256``, ``format``
    and ``converter`` go to :func:`protokoll.ingest.read`.
    """
    from protokoll import parsers

    if on_stage is not None:
        on_stage("read")
    doc = ingest.read(path, data=data, max_size=max_size, sha256=sha256, format=format, converter=converter)
    if on_stage is not None:
        on_stage("parse")
    protocol = parsers.parse(doc)
    if nlp is not None:
        from protokoll import nlp as tagging

        if on_stage is not None:
            on_stage("tag")
        protocol = tagging.tag(protocol, nlp)
    return protocol


@dataclass(frozen=True)
class Failure:
    """Why one file could not be imported: picklable, stored by ``store.record_failure``."""

    path: str
    code: str  # ProtokollError.code, or internal / memory / crashed
    reason: str  # one line
    stage: str  # read | parse | tag | save
    sha256: str | None = None
    format: str | None = None
    size: int | None = None

    @classmethod
    def from_error(cls, path: str, e: BaseException, stage: str | None = None, **kw) -> "Failure":
        if isinstance(e, ProtokollError):
            return cls(path, e.code, e.reason, stage or e.stage or _stage_of(e), **kw)
        if isinstance(e, MemoryError):
            return cls(path, "memory", "ran out of memory (over the per-worker ceiling)", stage or _stage_of(e), **kw)
        stage = stage or _stage_of(e)
        if not isinstance(e, (OSError, EOFError)):  # the message hides the exception: log where it was
            logging.getLogger("protokoll.pipeline").debug("%s failed in %s", path, stage, exc_info=e)
        return cls(path, "internal", describe(e), stage, **kw)


def convert(path: str, data: bytes, *, nlp=None, max_size: int = ingest.DEFAULT_MAX_SIZE,
            on_stage=None, sha256: str | None = None, format: str | None = None,  # noqa: A002
            converter=None) -> Protocol | Failure:
    """:func:`process`, with any error as a :class:`Failure` saying why.

    Nothing here touches the database or the file system beyond the stages' own
    converters, so it runs unchanged in a process pool or on a distributed engine.
    """
    try:
        return process(path, data, nlp=nlp, max_size=max_size, on_stage=on_stage, sha256=sha256,
                       format=format, converter=converter)
    except Exception as e:  # typed errors, MemoryError, and bugs: none may stop the import
        return Failure.from_error(path, e)


def _stage_of(e: BaseException) -> str:
    """read/parse/tag from the outermost frame of a stage's package in the traceback."""
    for frame, _ in traceback.walk_tb(e.__traceback__):
        module = frame.f_globals.get("__name__", "")
        for prefix, stage in _STAGE_MODULES:
            if module == prefix or module.startswith(prefix + "."):
                return stage
    return "read"
