"""One pure function from a file (path + bytes) to a serialisable Protocol.

Used by ``protokoll load`` and by every worker of the bulk import, so the same stage
can run in a process pool or on a distributed engine unchanged.
"""

from __future__ import annotations

from protokoll import ingest
from protokoll.records import Protocol


def process(path, data: bytes | None = None, *, nlp=None, max_size: int = ingest.DEFAULT_MAX_SIZE) -> Protocol:
    """ingest.read → parsers.parse → nlp.tag (when a spaCy ``Language`` is given)."""
    from protokoll import parsers

    doc = ingest.read(path, data=data, max_size=max_size)
    protocol = parsers.parse(doc)
    if nlp is not None:
        from protokoll import nlp as tagging

        protocol = tagging.tag(protocol, nlp)
    return protocol
