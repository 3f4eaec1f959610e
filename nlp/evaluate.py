"""Scoring against hand-written gold annotations and the NER corpus test split.

Gold files (``tests/data/entities/<sample>.jsonl``) hold one ``[label, text, value,
context]`` per line, in document order; ``context`` is the text just before the span.
Each is matched at its next occurrence (with its context) in the sample's text, so the
file needs no offsets and stays readable. Used by ``bench/eval_nlp.py`` and the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

from protokoll.records import Item, Protocol

LABELS = ("PER", "ORG", "MONEY", "DATE")


def gold_spans(text: str, gold_path) -> list[tuple[int, int, str, object]]:
    """``(start, end, label, value)`` of each gold line, found in order in ``text``."""
    spans, pos = [], 0
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        label, surface, value, context = json.loads(line)
        start = text.find(context + surface, max(0, pos - len(context)))
        if start < 0:
            raise ValueError(f"gold span {surface!r} not found after offset {pos}")
        start += len(context)
        spans.append((start, start + len(surface), label, value))
        pos = start + 1
    return spans


def sample_protocol(path) -> tuple[str, Protocol]:
    """The sample's raw text as one item (so gold offsets do not depend on how the parser
    splits items), with meeting, attendance and item presenters from the parser."""
    from protokoll import ingest, parsers

    text = Path(path).read_text(encoding="utf-8")
    parsed = parsers.parse(ingest.read(path))
    protocol = Protocol(
        source=parsed.source, meeting=parsed.meeting, attendance=parsed.attendance,
        items=(Item(number="1", label="1", text=text,
                    presenters=tuple(dict.fromkeys(n for it in parsed.items for n in it.presenters))),),
    )
    return text, protocol


def score(predicted, gold, labels=LABELS) -> dict:
    """Per-label precision/recall/F1 of exact spans, plus MONEY/DATE values right."""
    pred = {(s, e, lab): v for s, e, lab, v in predicted}
    ref = {(s, e, lab): v for s, e, lab, v in gold}
    out = {}
    for label in labels:
        p = {k for k in pred if k[2] == label}
        g = {k for k in ref if k[2] == label}
        tp = p & g
        precision = len(tp) / len(p) if p else 0.0
        recall = len(tp) / len(g) if g else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        row = {"p": precision, "r": recall, "f": f1, "pred": len(p), "gold": len(g)}
        if label in ("MONEY", "DATE"):
            row["values_right"] = sum(1 for k in tp if pred[k] == ref[k])
            row["values_wrong"] = sorted((k[0], pred[k], ref[k]) for k in tp if pred[k] != ref[k])
        out[label] = row
    return out


def entity_spans(protocol: Protocol):
    return [(e.start, e.end, e.label, e.value) for e in protocol.entities]


def model_spans(nlp, text: str, labels=("PER", "ORG")):
    """What the statistical NER alone finds in ``text``."""
    doc = nlp.get_pipe("ner")(nlp.make_doc(text))
    return [(e.start_char, e.end_char, e.label_, None) for e in doc.ents if e.label_ in labels]


def read_corpus_text(path) -> list[tuple[str, list]]:
    """Corpus sentences as ``(text, [(start, end, label, None), …])`` (tokens joined by
    single spaces; consecutive tokens with the same label form one entity)."""
    out, words = [], []
    for line in list(Path(path).read_text(encoding="utf-8").splitlines()) + [""]:
        parts = line.split()
        if len(parts) >= 2:
            words.append((" ".join(parts[:-1]), parts[-1]))
            continue
        if parts or not words:
            continue
        text, spans, pos, cur = "", [], 0, None
        for w, lab in words:
            start = len(text) + (1 if text else 0)
            text = f"{text} {w}" if text else w
            if lab != "0" and cur and cur[2] == lab:
                cur[1] = len(text)
            else:
                if cur:
                    spans.append(tuple(cur) + (None,))
                cur = [start, len(text), lab] if lab != "0" else None
        if cur:
            spans.append(tuple(cur) + (None,))
        out.append((text, spans))
        words = []
    return out


def score_many(pairs, labels) -> dict:
    """Score several (predicted, gold) pairs together (offsets made unique per pair)."""
    pred, gold = [], []
    for i, (p, g) in enumerate(pairs):
        base = i * 1_000_000
        pred += [(s + base, e + base, lab, v) for s, e, lab, v in p]
        gold += [(s + base, e + base, lab, v) for s, e, lab, v in g]
    return score(pred, gold, labels)
