"""protokoll: Swedish meeting minutes into structured, searchable data.

The stages are plain functions over the frozen records in :mod:`protokoll.records`::

    from protokoll import ingest, parsers, nlp, store
    doc = ingest.read("protokoll.docx")        # Document: ordered blocks
    protocol = parsers.parse(doc)              # Protocol: meeting, attendance, items
    protocol = nlp.tag(protocol, nlp.load())   # entities, canonical names
    store.save(db, protocol)                   # one transaction per document
"""

__version__ = "0.1.0"
