"""Tagging the real sample protocols: gold scores, the parser's output, and ids that
stay the same across meetings. Uses the shipped NER model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protokoll import nlp as tagging
from protokoll import pipeline
from protokoll.nlp import evaluate as ev
from protokoll.records import Protocol, to_dict

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "data" / "entities"
PAIRS = (("lsvo-2024-12-13.md", "lsvo-2024-12-13.jsonl"), ("aldras.txt", "aldras.jsonl"))


@pytest.fixture(scope="module")
def nlp():
    return tagging.load()


@pytest.fixture(scope="module")
def scores(nlp):
    pairs = []
    for sample, gold in PAIRS:
        text, protocol = ev.sample_protocol(SAMPLES / sample)
        pairs.append((ev.entity_spans(tagging.tag(protocol, nlp)), ev.gold_spans(text, GOLD / gold)))
    return ev.score_many(pairs, ev.LABELS)


def test_gold_money_and_dates(scores):
    for label in ("MONEY", "DATE"):
        s = scores[label]
        assert s["f"] >= 0.98, (label, s)
        assert s["values_wrong"] == [] and s["values_right"] >= 0.98 * s["gold"], (label, s)


def test_gold_people(scores):
    assert scores["PER"]["f"] >= 0.95, scores["PER"]


def test_gold_organisations(scores):
    assert scores["ORG"]["p"] >= 0.95 and scores["ORG"]["f"] >= 0.90, scores["ORG"]


def test_gold_files_match_the_samples():
    for sample, gold in PAIRS:
        text = (SAMPLES / sample).read_text(encoding="utf-8")
        spans = ev.gold_spans(text, GOLD / gold)
        assert len(spans) == len((GOLD / gold).read_text(encoding="utf-8").splitlines())
        assert all(text[s:e] for s, e, _, _ in spans)


@pytest.fixture(scope="module")
def tagged(nlp):
    return {name: pipeline.process(SAMPLES / name, nlp=nlp) for name in ("lsvo-2024-12-13.md", "aldras.txt", "lsvo-2024-12-13.docx")}


def test_offsets_point_into_item_text(tagged):
    for protocol in tagged.values():
        items = {}
        for item in protocol.items:
            items.setdefault(item.number, []).append(item.text)
        assert protocol.entities
        for e in protocol.entities:
            assert any(t[e.start:e.end] == e.text for t in items[protocol.item_of(e).number]), e


def test_amounts_through_the_parser(tagged):
    for name in ("lsvo-2024-12-13.md", "lsvo-2024-12-13.docx"):
        p = tagged[name]
        money = {(e.text, e.value) for e in p.entities if e.label == "MONEY"}
        assert ("1 476 576 kr", 1476576) in money
        assert ("57 0000 kr", 570000) in money
        assert any("57 0000" in w for w in p.warnings)
        assert not any(e.text in ("786", "964", "787") for e in p.entities)


def test_attendees_get_canonical_ids(tagged):
    p = tagged["lsvo-2024-12-13.md"]
    assert p.attendance and all(a.canonical for a in p.attendance)
    ids = {c.id for c in p.canonicals}
    per_ids = {e.canonical for e in p.entities if e.label == "PER" and e.canonical}
    assert per_ids <= ids
    attendee = {a.canonical for a in p.attendance}
    assert len(per_ids & attendee) >= 10  # mentions in the text resolve to attendees


def test_same_person_same_id_across_meetings(tagged):
    def ids(p, text):
        found = {e.canonical for e in p.entities if e.label == "PER" and e.text == text}
        return found | {a.canonical for a in p.attendance if a.name == text}

    lsvo, aldras = tagged["lsvo-2024-12-13.md"], tagged["aldras.txt"]
    for name in ("Mats Wennstig", "Inga-Lisa Apelman", "Carina Svärd", "Malin Johansson"):
        assert ids(lsvo, name) == ids(aldras, name) and len(ids(lsvo, name)) == 1, name
    # Spelling variants: "Jesper Björnson" (lsvo list) / "Jesper Björnsson" (aldras text).
    assert ids(lsvo, "Jesper Björnson") == ids(aldras, "Jesper Björnsson")
    # Organisations too, whatever the spelling in each meeting.
    org = {e.text: e.canonical for p in (lsvo, aldras) for e in p.entities if e.label == "ORG"}
    assert org["Karlshamn kommun"] == org["Karlshamns kommun"]  # aldras / lsvo
    assert org["Interkommunala forumet"] == org["Interkommunalt forum"]
    # Different people who share a surname are never merged.
    assert ids(lsvo, "Birgitta Nilsson") != ids(lsvo, "Caroline Nilsson")


def test_model_only_where_rules_leave_a_question(tagged):
    p = tagged["lsvo-2024-12-13.md"]
    by_rule = {}
    for e in p.entities:
        by_rule.setdefault(e.rule, []).append(e.text)
    assert "Nuray Iliev" in by_rule.get("per-model", [])
    assert len(by_rule.get("per-model", [])) < 5


def test_tagged_protocol_roundtrips_through_json(tagged):
    p = tagged["lsvo-2024-12-13.md"]
    again = Protocol.from_dict(json.loads(json.dumps(to_dict(p))))
    assert again == p


def test_organisation_canonicals(tagged):
    canon = {c.name: c for c in tagged["lsvo-2024-12-13.md"].canonicals if c.label == "ORG"}
    # The misspelled table cells join the attendance list's spelling.
    assert "Kadskrona kommun" in canon["Karlskrona kommun"].variants
    assert canon["Karlskrona kommun"].rule == "org-similar-place"
    # Both expansions that define "(KoU)" are one organisation, named by its expansion.
    kou = canon["Enheten för kvalitet och utveckling"]
    assert kou.rule == "acronym"
    assert {"KoU", "Enheten för Kvalitet och utvecklingsenheten"} <= set(kou.variants)
    assert canon["LSVO"].variants == ("LSVO", "LSVO:s", "LSVOs")


def test_persons_pipe_is_call_per_doc(nlp):
    """The person tagger asks the model once per batch (nlp.pipe): the same entities as
    asking it per Doc."""
    _, protocol = ev.sample_protocol(SAMPLES / "lsvo-2024-12-13.md")

    def docs():
        out = []
        for item in protocol.items:
            doc = nlp.make_doc(item.text)
            doc.user_data.update(text=item.text, people={}, acronyms={})
            out.append(doc)
        return out

    def ents(docs):
        return [[(e.start_char, e.end_char, e.label_, e._.key, e._.rule) for e in doc.ents] for doc in docs]

    persons = nlp.get_pipe("protokoll_persons")
    batched = list(nlp.pipe(docs(), disable=["protokoll_lemmas"]))
    one_by_one = list(nlp.pipe(docs(), disable=["protokoll_lemmas", "protokoll_persons"]))
    one_by_one = [persons(doc) for doc in one_by_one]
    assert ents(batched) == ents(one_by_one)
    assert any(e[4] == "per-model" for doc in ents(batched) for e in doc)
