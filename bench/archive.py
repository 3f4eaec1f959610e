"""Benchmark the bulk import on a synthetic archive of N protocols.

    python -m bench.archive 200              # generate, import, print a Markdown table
    python -m bench.archive 1000 --no-tag    # without spaCy tagging
    python -m bench.archive 200 --keep ARCHIVE   # keep the archive there; reused next time
    python -m bench.archive 10000 --memory   # only the memory runs: N/4, N, re-run
    python -m bench.archive 200 --reference-protokoll OTHER/.venv/bin/protokoll

The archive is :func:`bench.synthetic.generate`'s: the two sample protocols with other
bodies, dates, names and amounts, in both layouts, as .docx, text-layer .pdf, .txt/.md,
.rtf/.odt/.doc and scanned PDFs, spread over 4 shard folders.

Measured in one run, as `protokoll ingest` subprocesses: documents/s and pages/s with
1 and 2 workers, for the archive and for its text-layer PDFs alone (no LibreOffice, no
OCR); the text-layer PDFs with 2 workers against raw pypdfium2 text extraction of the
same files in this process (the reference); peak memory for one
shard (N/4) and for all N; and a re-run on the imported archive (files/s). The
reference and the imports it is compared with run in rounds (``--rounds``, default 3),
each import right after its reference, and the ratios are medians over the rounds: on a
shared machine the reference alone varied by 1.6x between runs. Each round also extracts
and imports the first quarter of the text PDFs, so the ratio is given a second time past
start-up: over the other three quarters (both times minus their first-quarter runs).

With ``--reference-protokoll`` the run compares two installations instead: the same
archive imported by this one and by the other `protokoll` (e.g. the commit before a
change, in its own virtualenv), with 1 and 2 workers, alternating which goes first in
each round; it prints documents/s, CPU per document (the import and every process it waited for:
workers, LibreOffice, Tesseract) and peak memory of each and their ratios.

Peak memory is given twice: *peak MB* is the largest single process among the import,
its workers, LibreOffice and Tesseract (the largest ``VmHWM`` read from /proc every
0.2 s); *tree MB* is the largest sum over the whole process tree of each process's
proportional set size (PSS: pages shared after fork counted once).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median, ratios, run_import, table
from bench.synthetic import generate, keep


def raw_extraction(pdfs: list[Path]) -> tuple[float, int, float]:
    """pypdfium2 text of every page, in this process: (seconds, pages, CPU seconds)."""
    import pypdfium2 as pdfium

    pages = 0
    started, cpu = time.perf_counter(), time.process_time()
    for path in pdfs:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for page in pdf:
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
            pages += 1
        pdf.close()
    return time.perf_counter() - started, pages, time.process_time() - cpu


def worker_stages(files: list[Path], tag: bool, warm: int = 10) -> tuple[list, dict[str, float]]:
    """The protocols a worker makes of ``files`` (read, parse and, with ``tag``, tag), in
    this process, and the CPU seconds of each stage (CPU time, so other processes on the
    machine change the figures little). With ``tag`` the tagger first tags the last
    ``warm`` files, as a worker has by its eleventh file, and those are not measured."""
    from protokoll import ingest, nlp, parsers

    nl = nlp.load() if tag else None
    for path in files[-warm:] if tag else []:
        nlp.tag(parsers.parse(ingest.read(path)), nl)
    files = files[:-warm] if tag else files
    cpu: dict[str, float] = {}

    def timed(stage, fn, *args):
        started = time.process_time()
        out = fn(*args)
        cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - started
        return out

    protocols = [timed("parse", parsers.parse, timed("read", ingest.read, path)) for path in files]
    if tag:
        protocols = [timed("tag", nlp.tag, p, nl) for p in protocols]
    return protocols, cpu


def stages(pdfs: list[Path], db_path: Path, tag: bool) -> None:
    """CPU milliseconds per document of each stage, in this process, on the text PDFs."""
    from protokoll import store

    protocols, cpu = worker_stages(pdfs, tag)
    db = store.open(db_path)
    started = time.process_time()
    for p in protocols:
        store.save(db, p)
    cpu["save"] = time.process_time() - started
    pages = sum(p.source.pages or 0 for p in protocols)
    print(f"{len(protocols)} text PDFs, {pages} pages, load average {os.getloadavg()[0]:.2f}; CPU ms per document: "
          + ", ".join(f"{stage} {seconds / len(protocols) * 1000:.1f}" for stage, seconds in cpu.items()))


def arguments(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of protocols")
    ap.add_argument("--no-tag", action="store_true", help="import without spaCy tagging")
    ap.add_argument("--keep", type=Path,
                    help="build the archive here and keep it; an archive of the same N already there is reused")
    ap.add_argument("--memory", action="store_true",
                    help="only the memory runs: one shard (N/4), all N, and the re-run, with 2 workers")
    ap.add_argument("--stages", action="store_true",
                    help="only time each stage in this process (CPU ms per text PDF), no import")
    ap.add_argument("--reference-protokoll", metavar="PROTOKOLL",
                    help="another installation's `protokoll` CLI: import the same archive with it and with this "
                         "one, alternated in each round, and print both and their ratios")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of (raw extraction, text-PDF import, 1-worker and 2-worker archive imports), "
                         "one after the other; the ratios are the median over the rounds (default 3)")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = arguments(argv)
    tag = not args.no_tag
    work = Path(tempfile.mkdtemp(prefix="protokoll-bench-"))
    archive = args.keep or work / "archive"
    try:
        started = time.perf_counter()
        kinds, reused = keep(archive, args.n) if args.keep else (generate(archive, args.n), False)
        print(f"{'reused' if reused else 'generated'} {args.n} protocols "
              f"in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{len(v)} {k}" for k, v in sorted(kinds.items())), file=sys.stderr)
        if args.stages:
            stages(kinds["pdf"], work / "stages.db", tag)
        elif args.memory:
            shard = run_import([archive / "shard-0"], work / "shard.db", 2, tag)
            two = run_import([archive], work / "w2.db", 2, tag)
            again = run_import([archive], work / "w2.db", 2, tag)
            report_memory(args.n, tag, kinds, shard, two, again)
        elif args.reference_protokoll:
            runs = compare(archive, work, args.reference_protokoll, max(1, args.rounds), tag)
            report_compare(args.n, tag, kinds, args.reference_protokoll, runs)
        else:
            rounds, shard, again = measure(archive, kinds, work, max(1, args.rounds), tag)
            report(args.n, tag, kinds, rounds, shard, again)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(archive: Path, kinds, work: Path, n_rounds: int, tag: bool):
    """The rounds of the default run, then the shard (N/4) import and the re-run."""
    pdf_dir, quarter_dir = work / "pdf-only", work / "pdf-quarter"
    quarter = kinds["pdf"][: max(1, len(kinds["pdf"]) // 4)]
    for folder, pdfs in ((pdf_dir, kinds["pdf"]), (quarter_dir, quarter)):
        folder.mkdir()
        for p in pdfs:
            os.link(p, folder / p.name)
    rounds = []
    for r in range(n_rounds):
        # the reference right before the import it is compared with: a machine shared
        # with others changes speed between minutes, not within a few seconds
        raw = raw_extraction(kinds["pdf"])
        pdf2 = run_import([pdf_dir], work / f"pdf-{r}.db", 2, tag)
        raw_quarter = raw_extraction(quarter)
        pdf_quarter = run_import([quarter_dir], work / f"pdfq-{r}.db", 2, tag)
        pdf1 = run_import([pdf_dir], work / f"pdf1-{r}.db", 1, tag)
        one = run_import([archive], work / f"w1-{r}.db", 1, tag)
        two = run_import([archive], work / f"w2-{r}.db", 2, tag)
        rounds.append((raw, pdf2, one, two, pdf1, raw_quarter, pdf_quarter))
    shard = run_import([archive / "shard-0"], work / "shard.db", 2, tag)
    again = run_import([archive], work / f"w2-{n_rounds - 1}.db", 2, tag)
    return rounds, shard, again


COMPARED = (("archive, 1 worker", 1), ("archive, 2 workers", 2))


def compare(archive: Path, work: Path, reference: str, n_rounds: int, tag: bool) -> dict:
    """(run, "this"|"reference") -> one import result per round; in each round every run
    is made by both installations right after each other, which goes first alternating."""
    runs: dict[tuple[str, str], list[dict]] = {}
    for r in range(n_rounds):
        for name, workers in COMPARED:
            order = [("this", None), ("reference", reference)]
            for who, cli in order if r % 2 == 0 else order[::-1]:
                db = work / f"{who}-{workers}-{r}.db"
                result = run_import([archive], db, workers, tag, **({"protokoll": cli} if cli else {}))
                if result["exit"] != 0:
                    raise SystemExit(f"{cli or 'protokoll'} ingest exited {result['exit']}")
                runs.setdefault((name, who), []).append(result)
    return runs


def report_compare(n, tag, kinds, reference: str, runs: dict) -> None:
    n_rounds = len(next(iter(runs.values())))
    print(f"## N = {n} ({'with' if tag else 'without'} tagging), this protokoll against a reference\n")
    print(f"Reference: `{reference}`. "
          + ", ".join(f"{len(v)} {k}" for k, v in sorted(kinds.items()))
          + f". {n_rounds} round(s), both imports of a run right after each other; medians over the rounds."
          f" Load average at the end: {os.getloadavg()[0]:.2f}.\n")
    rows, ratio_rows = [], []
    for name, _ in COMPARED:
        figures = {}
        for who in ("this", "reference"):
            results = runs[(name, who)]
            s = results[-1]["summary"]
            figures[who] = {"docs_wall": [r["summary"]["imported"] / r["seconds"] for r in results],
                            "docs_import": [r["summary"]["imported"] / r["summary"]["seconds"] for r in results],
                            "peak": [r["peak_mb"] for r in results], "tree": [r["tree_mb"] for r in results],
                            "cpu": [1000 * r["cpu"] / max(1, r["summary"]["imported"]) for r in results]}
            f = figures[who]
            rows.append((name, who, s["files"], s["imported"], len(s["failed"]), f"{median(f['docs_wall']):.2f}",
                         f"{median(f['docs_import']):.2f}", f"{median(f['cpu']):.1f}", f"{median(f['peak']):.0f}",
                         f"{median(f['tree']):.0f}"))
        this, ref = figures["this"], figures["reference"]
        ratio_rows.append((name, *(ratios([a / b for a, b in zip(this[key], ref[key])])
                                   for key in ("docs_wall", "docs_import", "cpu", "peak", "tree"))))
    print(table(("run", "protokoll", "files", "imported", "failed", "docs/s (wall)", "docs/s (import)",
                 "CPU ms/doc", "peak MB", "tree MB"), rows, right_from=2))
    print("\nThis / reference (above 1: faster for docs/s; below 1: less CPU or memory for ms and MB;"
          " CPU: the import and every process it waited for, the least noisy figure on a shared machine):\n")
    print(table(("run", "docs/s (wall)", "docs/s (import)", "CPU ms/doc", "peak MB", "tree MB"), ratio_rows))


def _first_cells(name: str, r: dict, digits: int = 1) -> str:
    """The cells every table starts with: run, files, imported, failed, wall s, import s, CPU s."""
    s = r["summary"]
    return (f"| {name} | {s['files']} | {s['imported']} | {len(s['failed'])} | {r['seconds']:.{digits}f} | "
            f"{s['seconds']:.{digits}f} | {r['cpu']:.{digits}f} | ")


def report_memory(n, tag, kinds, shard, two, again) -> None:
    print(f"## N = {n} ({'with' if tag else 'without'} tagging), memory runs\n")
    print(", ".join(f"{len(v)} {k}" for k, v in sorted(kinds.items()))
          + f". Load average at the end: {os.getloadavg()[0]:.2f}.\n")
    print("| run | files | imported | failed | wall s | import s | CPU s | docs/s (import) | pages/s (import)"
          " | peak MB (largest process) | tree MB (PSS sum) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in (("shard (N/4), 2 workers", shard), ("archive, 2 workers", two), ("re-run", again)):
        s = r["summary"]
        print(_first_cells(name, r) + f"{s['imported'] / s['seconds']:.2f} | "
              f"{s['pages'] / s['seconds']:.1f} | {r['peak_mb']:.0f} | {r['tree_mb']:.0f} |")
    s = again["summary"]
    print(f"\n- peak memory N/4 vs N: {shard['peak_mb']:.0f} vs {two['peak_mb']:.0f} MB (largest process), "
          f"{shard['tree_mb']:.0f} vs {two['tree_mb']:.0f} MB (whole tree); target flat, under 500 MB at N = 10,000")
    print(f"- re-run: {s['files'] / again['seconds']:.0f} files/s wall clock incl. start-up, "
          f"{s['files_per_second']} files/s inside the import (target >= 1000)")
    failed = [f for r in (shard, two) for f in r["summary"]["failed"]]
    if failed:
        print("- failures: " + "; ".join(sorted({f'{f["error_code"]}: {f["error"]}' for f in failed}))[:500])


def long_run_ratio(round_) -> float | None:
    """Raw extraction / import, wall, over the text PDFs past the first quarter: both runs
    minus their first-quarter runs, so start-up cancels out. None without enough files."""
    (raw_s, raw_pages, _), pdf2, *_, (q_s, q_pages, _), pdf_quarter = round_
    import_s = pdf2["seconds"] - pdf_quarter["seconds"]
    if raw_pages <= q_pages or import_s <= 0:
        return None
    return (raw_s - q_s) / import_s


def report(n, tag, kinds, rounds, shard, again) -> None:
    def rates(r):
        s = r["summary"]
        return s["imported"] / r["seconds"], s["pages"] / r["seconds"]

    def pdf_ratio(round_):
        (raw_s, raw_pages, _), pdf2, *_ = round_
        return rates(pdf2)[1] / (raw_pages / raw_s)

    # the table shows the round with the median ratio; the lines below give every round
    pdf_ratios = [pdf_ratio(r) for r in rounds]
    (raw_s, raw_pages, raw_cpu), pdf2, one, two, pdf1, *_ = sorted(rounds, key=pdf_ratio)[len(rounds) // 2]

    raw_docs, raw_pps = len(kinds["pdf"]) / raw_s, raw_pages / raw_s
    print(f"## N = {n} ({'with' if tag else 'without'} tagging)\n")
    print(f"{len(rounds)} rounds of raw extraction, text-PDF import, 1-worker and 2-worker archive imports; the table"
          " shows the round with the median text-PDF ratio.\n")
    print(", ".join(f"{len(v)} {k}" for k, v in sorted(kinds.items())) + "\n")
    print("Wall: the whole `protokoll ingest` process, start-up included; import: its own `seconds` (walk to last"
          " commit, workers started, CLI start-up excluded); CPU: user + system seconds of the process and its"
          f" workers. Load average at the end: {os.getloadavg()[0]:.2f}.\n")
    print("| run | files | imported | failed | wall s | import s | CPU s | docs/s (wall) | pages/s (wall)"
          " | pages/s (import) | peak MB | tree MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| raw pypdfium2 text, text PDFs, 1 process | {len(kinds['pdf'])} | – | – | {raw_s:.2f} | {raw_s:.2f} | "
          f"{raw_cpu:.2f} | {raw_docs:.1f} | {raw_pps:.0f} | {raw_pps:.0f} | – | – |")
    for name, r in (("text PDFs, 2 workers", pdf2), ("text PDFs, 1 worker", pdf1), ("archive, 1 worker", one),
                    ("archive, 2 workers", two), ("shard (N/4), 2 workers", shard)):
        d, p = rates(r)
        s = r["summary"]
        print(_first_cells(name, r) + f"{d:.2f} | {p:.1f} | {s['pages'] / s['seconds']:.1f} | "
              f"{r['peak_mb']:.0f} | {r['tree_mb']:.0f} |")
    s = again["summary"]
    print(_first_cells("re-run on the imported archive", again, 2)
          + f"– | – | – | {again['peak_mb']:.0f} | {again['tree_mb']:.0f} |")
    print()
    pdf_pps = rates(pdf2)[1]
    inside = pdf2["summary"]["pages"] / pdf2["summary"]["seconds"]
    print(f"- text-layer PDFs end to end with 2 workers / raw extraction (pages/s; target >= 0.3): "
          f"{pdf_pps / raw_pps:.3f}x wall, {inside / raw_pps:.3f}x import (median round); every round, wall: "
          + ", ".join(f"{x:.3f}" for x in pdf_ratios))
    longer = [long_run_ratio(rnd) for rnd in rounds]
    if all(x is not None for x in longer):
        print(f"- the same, past start-up: the text PDFs after the first quarter, i.e. (all - first quarter) for both"
              f" the raw extraction and the import, wall: median {sorted(longer)[len(longer) // 2]:.3f}x (every round: "
              + ", ".join(f"{x:.3f}" for x in longer) + "); start-up (Python, the CLI, the spaCy pipeline) counts"
              " once per import, so a longer archive's ratio tends to this one")
    print(f"- CPU per page, raw extraction / import (the load-independent part of that ratio; 2 idle cores give the "
          f"import up to twice it): {raw_cpu / raw_pages * 1000:.2f} / {pdf2['cpu'] / pdf2['summary']['pages'] * 1000:.2f}"
          f" ms = {raw_cpu / raw_pages / (pdf2['cpu'] / pdf2['summary']['pages']):.3f}")
    for what, i, j in (("archive", 2, 3), ("text PDFs only (no LibreOffice, no OCR)", 4, 1)):
        speedups = [rnd[i]["summary"]["seconds"] / rnd[j]["summary"]["seconds"] for rnd in rounds]
        print(f"- speed-up 1 -> 2 workers, {what}: median {sorted(speedups)[len(speedups) // 2]:.2f}x import "
              "(every round: " + ", ".join(f"{x:.2f}" for x in speedups) + "; target near 2)")
    cores = [rnd[i]["cpu"] / rnd[i]["seconds"] for rnd in rounds for i in (2, 4)]
    print(f"- cores busy during a 1-worker import (CPU s / wall s, archive and text PDFs): "
          + ", ".join(f"{x:.2f}" for x in cores))
    print(f"- peak memory N/4 vs N: {shard['peak_mb']:.0f} vs {two['peak_mb']:.0f} MB (largest process), "
          f"{shard['tree_mb']:.0f} vs {two['tree_mb']:.0f} MB (whole tree, PSS)")
    print(f"- re-run: {s['files'] / again['seconds']:.0f} files/s wall clock incl. start-up, "
          f"{s['files_per_second']} files/s inside the import (target >= 1000)")
    failed = [f for rnd in rounds for r in rnd if isinstance(r, dict) for f in r["summary"]["failed"]]  # the imports
    if failed:
        print(f"- failures: " + "; ".join(sorted({f'{f["error_code"]}: {f["error"]}' for f in failed}))[:500])


if __name__ == "__main__":
    main()
