"""Fuzz the extractors with mutated sample files (hypothesis, bounded example counts).

Whatever the bytes, ``ingest.read`` returns a Document or raises a ProtokollError
subclass with a one-line reason: never another exception.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES

from protokoll import ingest
from protokoll.errors import ProtokollError
from protokoll.records import BLOCK_KINDS, Document

FAST = ["lsvo-2024-12-13.pdf", "aldras.pdf", "lsvo-2024-12-13.docx", "aldras.docx", "aldras.txt", "lsvo-2024-12-13.md"]
LEGACY = ["aldras.doc", "lsvo-2024-12-13.odt", "lsvo-2024-12-13.rtf"]

mutations = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=30
)


def _mutate(data: bytes, changes, cut: float | None) -> bytes:
    out = bytearray(data)
    for where, value in changes:
        out[int(where * len(out))] = value
    if cut is not None:
        out = out[: int(cut * len(out))]
    return bytes(out)


def _check(name: str, data: bytes) -> None:
    try:
        doc = ingest.read(name, data=data)
    except ProtokollError as e:
        assert e.reason and "\n" not in e.one_line()
        return
    assert isinstance(doc, Document) and doc.blocks
    assert all(b.kind in BLOCK_KINDS and b.text for b in doc.blocks)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FAST), changes=mutations, cut=st.none() | st.floats(0, 1))
def test_mutated_files_give_a_document_or_a_typed_error(name, changes, cut):
    _check(name, _mutate((SAMPLES / name).read_bytes(), changes, cut))


@pytest.mark.slow
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(LEGACY), changes=mutations, cut=st.none() | st.floats(0.2, 1))
def test_mutated_legacy_files_give_a_document_or_a_typed_error(name, changes, cut):
    _check(name, _mutate((SAMPLES / name).read_bytes(), changes, cut))
