"""One pure function from a file (path + bytes) to a serialisable Protocol.

Used by ``protokoll load`` and by every worker of the bulk import, so the same stage
can run in a process pool or on a distributed engine unchanged.
"""

from __future__ import annotations

from protokoll import ingest
from protokoll.records import Protocol


def process(path, data: bytes | None = None, *, nlp=None, max_size: int = ingest.DEFAULT_MAX_SIZE,
            on_stage=None) -> Protocol:
    """ingest.read → parsers.parse → nlp.tag (when a spaCy ``Language`` is given).

    ``on_stage``, if given, is called with ``"read"``, ``"parse"`` and ``"tag"`` just
    before each stage starts (the bulk import's workers tell the parent where they are,
    so a worker killed mid-file is recorded with the right stage).
    """
    from protokoll import parsers

    if on_stage is not None:
        on_stage("read")
    doc = ingest.read(path, data=data, max_size=max_size)
    if on_stage is not None:
        on_stage("parse")
    protocol = parsers.parse(doc)
    if nlp is not None:
        from protokoll import nlp as tagging

        if on_stage is not None:
            on_stage("tag")
        protocol = tagging.tag(protocol, nlp)
    return protocol
