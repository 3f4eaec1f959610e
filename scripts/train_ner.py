"""Train the small Swedish NER model shipped in ``nlp/model/`` (reproducible, CPU-cheap).

    .venv/bin/python scripts/train_ner.py            # writes nlp/model/
    .venv/bin/python scripts/train_ner.py --epochs 8 --out /tmp/model

Data: ``data/swedish-ner-corpus/`` (Webbnyheter 2012 from Språkbanken, annotated by
klintan/swedish-ner-corpus, CC BY 4.0). The model is a ``spacy.blank("sv")`` pipeline
with one ``ner`` component (labels PER, ORG, LOC, MISC) whose own small tok2vec is a
HashEmbedCNN of width 64: a few MB, trained on one thread with a fixed seed.
``protokoll.nlp.load()`` reads the component's weights from here; it never downloads.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "swedish-ner-corpus"
OUT = ROOT / "nlp" / "model"
FIRST_NAMES = ROOT / "nlp" / "data" / "first_names_corpus.txt"
SEED = 20241213


def read_corpus(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of (token, label) pairs; label "0" is outside. Tab or space separated."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if current:
                sentences.append(current)
            current = []
            continue
        if len(parts) < 2:
            continue
        current.append((" ".join(parts[:-1]), parts[-1]))
    if current:
        sentences.append(current)
    return sentences


def corpus_first_names(sentences) -> list[str]:
    """First tokens of multi-token PER names that the corpus never writes in lower case."""
    lower = {w for s in sentences for w, _ in s if w.islower()}
    names = set()
    for s in sentences:
        for i, (w, label) in enumerate(s[:-1]):
            starts = label == "PER" and (i == 0 or s[i - 1][1] != "PER")
            if starts and s[i + 1][1] == "PER" and w.istitle() and len(w) >= 3:
                if w.replace("-", "").isalpha() and w.lower() not in lower:
                    names.add(w)
    return sorted(names)


def to_example(nlp, sentence):
    """A spaCy Example; consecutive tokens with the same label form one entity."""
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    words = [w for w, _ in sentence]
    doc = Doc(nlp.vocab, words=words)
    ents, start = [], None
    for i, (_, label) in enumerate(sentence + [("", "0")]):
        prev = sentence[i - 1][1] if i else "0"
        if start is not None and label != prev:
            ents.append(Span(doc, start, i, label=prev))
            start = None
        if label != "0" and start is None:
            start = i
    ref = Doc(nlp.vocab, words=words)
    ref.ents = [Span(ref, e.start, e.end, label=e.label_) for e in ents]
    return Example(doc, ref)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    import spacy
    from spacy.util import fix_random_seed, minibatch

    from protokoll.nlp.model import NER_CONFIG

    train_sentences = read_corpus(CORPUS / "train_corpus.txt")
    header = "# First tokens of PER names in data/swedish-ner-corpus (CC BY 4.0), written by scripts/train_ner.py."
    FIRST_NAMES.write_text("\n".join([header, *corpus_first_names(train_sentences)]) + "\n", encoding="utf-8")

    fix_random_seed(SEED)
    random.seed(SEED)
    nlp = spacy.blank("sv")
    ner = nlp.add_pipe("ner", config=NER_CONFIG)
    train = [to_example(nlp, s) for s in train_sentences]
    test = [to_example(nlp, s) for s in read_corpus(CORPUS / "test_corpus.txt")]
    for label in ("PER", "ORG", "LOC", "MISC"):
        ner.add_label(label)
    optimizer = nlp.initialize(lambda: train)
    started = time.monotonic()
    for epoch in range(args.epochs):
        random.shuffle(train)
        losses: dict = {}
        for batch in minibatch(train, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        scores = nlp.evaluate(test)
        print(
            f"epoch {epoch + 1}: loss {losses['ner']:.0f} test F1 {scores['ents_f']:.3f} "
            f"PER {scores['ents_per_type'].get('PER', {}).get('f', 0):.3f} "
            f"({time.monotonic() - started:.0f}s)",
            file=sys.stderr,
        )
    seconds = time.monotonic() - started
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.out)
    scores = nlp.evaluate(test)
    meta = {
        "seed": SEED,
        "epochs": args.epochs,
        "train_seconds": round(seconds, 1),
        "test_ents_f": round(scores["ents_f"], 4),
        "test_per_type": {k: {m: round(v, 4) for m, v in d.items()} for k, d in scores["ents_per_type"].items()},
    }
    (args.out / "training.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
