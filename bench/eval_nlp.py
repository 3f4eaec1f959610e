"""Evaluate and time the tagging pipeline (one core).

    .venv/bin/python -m bench.eval_nlp          # scores + throughput
    .venv/bin/python -m bench.eval_nlp --repeat 20  # longer timing run

Prints precision/recall/F1 per label for our pipeline and for the corpus-trained NER
model alone, on the hand-written gold of the two sample protocols
(``tests/data/entities/``) and on the corpus test split; then tokens/s of the whole
pipeline and the share of time per component. Speed is CPU time of this process
(``time.process_time``: one core, not inflated by other processes on a shared machine),
next to spaCy's bare tokenizer measured on the same text in the same run as reference.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

from bench.common import ROOT  # noqa: E402

SAMPLES = (("lsvo-2024-12-13.md", "lsvo-2024-12-13.jsonl"), ("aldras.txt", "aldras.jsonl"))


def table(title, scores):
    print(f"\n{title}")
    print(f"  {'label':6} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5}  values")
    for label, s in scores.items():
        values = f"{s['values_right']} right, {len(s['values_wrong'])} wrong" if "values_right" in s else ""
        print(f"  {label:6} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f} {s['pred']:5d} {s['gold']:5d}  {values}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_nlp", description="Evaluate and time protokoll.nlp")
    parser.add_argument("--repeat", type=int, default=5, help="timing repetitions")
    parser.add_argument("--corpus-sentences", type=int, default=0, help="limit corpus test sentences (0 = all)")
    parser.add_argument("--speed-only", action="store_true", help="skip the scores")
    args = parser.parse_args(argv)

    from protokoll import nlp as tagging
    from protokoll.nlp import evaluate as ev

    nlp = tagging.load()
    protocols = [ev.sample_protocol(ROOT / "samples" / sample)[1] for sample, _ in SAMPLES]
    if not args.speed_only:
        scores(args, nlp)
    timing(args, nlp, protocols)
    return 0


def scores(args, nlp) -> None:
    from protokoll import nlp as tagging
    from protokoll.nlp import evaluate as ev
    from protokoll.records import Item, Protocol

    ours, model, protocols = [], [], []
    for sample, gold_name in SAMPLES:
        text, protocol = ev.sample_protocol(ROOT / "samples" / sample)
        gold = ev.gold_spans(text, ROOT / "tests" / "data" / "entities" / gold_name)
        protocols.append(protocol)
        ours.append((ev.entity_spans(tagging.tag(protocol, nlp)), gold))
        model.append((ev.model_spans(nlp, text), gold))
    table("Protocol gold (2 samples), ours", ev.score_many(ours, ev.LABELS))
    table("Protocol gold (2 samples), NER model alone", ev.score_many(model, ("PER", "ORG")))

    corpus = ev.read_corpus_text(ROOT / "data" / "swedish-ner-corpus" / "test_corpus.txt")
    if args.corpus_sentences:
        corpus = corpus[: args.corpus_sentences]
    ours_c, model_c = [], []
    for i, (text, gold) in enumerate(corpus):
        gold = [g for g in gold if g[2] in ("PER", "ORG")]
        p = Protocol(source=protocols[0].source, items=(Item(number=str(i), label=str(i), text=text),))
        ours_c.append((ev.entity_spans(tagging.tag(p, nlp)), gold))
        model_c.append((ev.model_spans(nlp, text), gold))
    table(f"Corpus test split ({len(corpus)} sentences), ours", ev.score_many(ours_c, ("PER", "ORG")))
    table(f"Corpus test split ({len(corpus)} sentences), NER model alone", ev.score_many(model_c, ("PER", "ORG")))



def timing(args, nlp, protocols) -> None:
    """Throughput of the whole pipeline (tag) on the two sample protocols, one core."""
    from protokoll import nlp as tagging

    tokens = sum(len(nlp.make_doc(it.text)) for p in protocols for it in p.items)
    started = time.process_time()
    for _ in range(args.repeat):
        for p in protocols:
            tagging.tag(p, nlp)
    seconds = time.process_time() - started
    started = time.process_time()
    for _ in range(args.repeat):
        for p in protocols:
            for it in p.items:
                nlp.make_doc(it.text)
    tok_seconds = time.process_time() - started
    rate = tokens * args.repeat / seconds
    print(f"\nThroughput: {rate:,.0f} tokens/s for tag() ({tokens} tokens x {args.repeat}); "
          f"tokenizer alone {tokens * args.repeat / tok_seconds:,.0f} tokens/s "
          f"(tag = {seconds / tok_seconds:.1f}x tokenizer time)")

    # Where the time goes: each component on its own, same texts.
    docs_text = [it.text for p in protocols for it in p.items]
    pipes = [(name, proc) for name, proc in nlp.pipeline if name != "protokoll_lemmas"]  # as in tag()
    spent = {"tokenizer": tok_seconds}
    for name, _ in pipes:
        spent[name] = 0.0
    for _ in range(args.repeat):
        for text, p in zip(docs_text, protocols):
            doc = nlp.make_doc(text)
            doc.user_data.update(meeting_date=p.meeting.date, meeting_body=p.meeting.body,
                                 people={}, acronyms={})
            for name, proc in pipes:
                t = time.process_time()
                doc = proc(doc)
                spent[name] += time.process_time() - t
    total = sum(spent.values())
    print("Time per component (share of the summed component time; protokoll_persons includes")
    print("the NER model, which runs only on the sentences it is asked about):")
    for name, t in spent.items():
        print(f"  {name:20} {100 * t / total:5.1f}%  {tokens * args.repeat / t:>12,.0f} tokens/s")


if __name__ == "__main__":
    raise SystemExit(main())
