"""The records: JSON round trips, immutability, stable ids."""

import dataclasses
import json
import pickle
from pathlib import Path

import pytest

from protokoll import ingest, parsers
from protokoll.records import Document, Protocol, stable_id, to_dict


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="module")
def doc():
    return ingest.read(SAMPLES / "lsvo-2024-12-13.docx")


def test_document_json_round_trip(doc):
    again = Document.from_dict(json.loads(json.dumps(to_dict(doc))))
    assert again == doc
    assert any(b.cells for b in again.blocks)  # table rows keep their cells as tuples


def test_protocol_json_and_pickle_round_trip(doc):
    protocol = parsers.parse(doc)
    assert Protocol.from_dict(json.loads(json.dumps(to_dict(protocol)))) == protocol
    assert pickle.loads(pickle.dumps(protocol)) == protocol


def test_records_are_frozen(doc):
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.blocks[0].text = "x"


def test_stable_id_is_a_function_of_its_keys():
    assert stable_id("a", 1) == stable_id("a", 1)
    assert stable_id("a", 1) != stable_id("a1")
    assert stable_id(None, "x") == stable_id("", "x")
    assert len(stable_id("a")) == 16
