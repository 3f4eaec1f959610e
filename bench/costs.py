"""Measured CPU cost of the file -> Protocol stage per page and per document, by kind of
input, and the single writer's bound: the figures behind docs/scaling.md.

    .venv/bin/python -m bench.costs               # samples/ and ../shared/corpus/, 3 repetitions
    .venv/bin/python -m bench.costs --reps 5 --json

In this one process, like one worker of an import: the spaCy pipeline loaded once, one
long-running LibreOffice (``ingest.convert.Converter``) started once, Tesseract with one
process at a time (``PROTOKOLL_OCR_PROCESSES=1``: a worker's share when workers = cores).
Each file goes through ``pipeline.convert`` (read, parse, tag), whose ``on_stage``
callback marks the stage boundaries. At each boundary the bench reads:

* this process's CPU (``time.process_time``: PDFium, python-docx, the parser, spaCy);
* finished children's CPU (``getrusage(RUSAGE_CHILDREN)``: each Tesseract per page, the
  fallback soffice, which this process waits for);
* the CPU of the live descendants (psutil: the LibreOffice helper and its soffice, which
  run for the whole measurement and so never reach RUSAGE_CHILDREN; their own finished
  children included);
* wall time.

A stage's CPU is the sum of the three deltas. One warm-up pass over every file (starts
LibreOffice, warms spaCy) is not counted; then ``--reps`` timed passes, and each figure
is the median over them. CPU seconds, not wall seconds, are the model's base: the
machine's cores are shared, and other processes change wall time much more than CPU time.

Kinds: a PDF that needed Tesseract for every page is *scanned*; one that needed it for
some pages (a signed cover) is *PDF, partly OCR*; one that needed none is *text PDF*.
Formats without pages (.docx, .doc/.odt/.rtf, .txt/.md without form feeds) count the
pages of the PDF with the same name in the same folder (the samples come in every
format), or are left out of the per-page figures.

Then the writer: the protocols made above, ``--copies`` times over (each copy with other
bytes, i.e. another sha256 and path), saved by ``store.save`` into a fresh SQLite file,
one transaction per document as the import's Writer does (``--reps`` fresh files, median):
documents/s and pages/s, CPU and wall. The database's bytes per page and per document:
the protocols saved once into a fresh file, as an import of those files (after a WAL
checkpoint, less the empty schema; copies would share their full-text terms). Also sha256 MB/s (the client hashes every
file before it is submitted) and memory: this process's peak RSS (``VmHWM``) after
``nlp.load`` and after all conversions (a worker), and LibreOffice's resident size.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import re
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import SAMPLES, median, proc_bytes, table

CORPUS = SAMPLES.parent.parent / "shared" / "corpus"
KINDS = ("text PDF", "PDF, partly OCR", "scanned PDF", "docx", "legacy", "text")
STAGES = ("read", "parse", "tag")
LEGACY = {".doc", ".odt", ".rtf"}
SUFFIXES = {".pdf", ".docx", ".txt", ".md", *LEGACY}


def inputs(corpus: Path | None, formats: set[str] | None) -> list[Path]:
    """The sample files (every format) and the corpus's files of the formats protokoll
    reads (the shared corpus has PDFs and texts; not its README.md and SOURCE.md), if
    there is a corpus."""
    files = [p for p in sorted(SAMPLES.iterdir()) if p.is_file() and p.name != "README.md"]
    if corpus is not None and corpus.is_dir():
        files += sorted(p for p in corpus.rglob("*")
                        if p.suffix in SUFFIXES and p.name not in ("README.md", "SOURCE.md") and p.is_file())
    if formats:
        files = [p for p in files if p.suffix.lstrip(".") in formats]
    return files


def page_equivalent(path: Path, pages: int | None, data: bytes) -> int | None:
    """The pages of a document: its own, its form feeds', or those of the same-named PDF."""
    if pages:
        return pages
    if path.suffix in (".txt", ".md") and b"\f" in data:
        return data.rstrip(b"\f\n ").count(b"\f") + 1
    twin = path.with_suffix(".pdf")
    if twin.is_file():
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(twin)
        try:
            return len(pdf)
        finally:
            pdf.close()
    return None


class Meter:
    """CPU seconds of this process, of its finished children and of its live descendants."""

    def __init__(self):
        import psutil

        self.me = psutil.Process()

    def descendants(self) -> float:
        import psutil

        total = 0.0
        for child in self.me.children(recursive=True):
            try:
                t = child.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:  # ended meanwhile: its CPU is now its parent's
                continue
        return total

    def read(self) -> tuple[float, float, float, float]:
        """(self, children, descendants, wall)."""
        c = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time(), c.ru_utime + c.ru_stime, self.descendants(), time.perf_counter()


def measure_file(path: Path, data: bytes, meter: Meter, nlp, converter):
    """Convert one file; (its Protocol, {stage: (cpu self, cpu children, cpu descendants, wall)})."""
    from protokoll.pipeline.process import Failure, convert

    marks: list[tuple[str, tuple]] = []
    result = convert(str(path), data, nlp=nlp, sha256=hashlib.sha256(data).hexdigest(),
                             on_stage=lambda stage: marks.append((stage, meter.read())), converter=converter)
    marks.append(("end", meter.read()))
    if isinstance(result, Failure):
        raise SystemExit(f"{path}: {result.reason} ({result.stage}, {result.code})")
    costs = {stage: tuple(b - a for a, b in zip(start, end)) for (stage, start), (_, end) in zip(marks, marks[1:])}
    return result, costs


_SCANNED = re.compile(r"OCR \(Tesseract, Swedish\) on (\d+) of \d+ pages")
_GARBLED = re.compile(r"text layer garbled \(wrong font mapping\) on pages ([\d, ]+): its non-words read with OCR")


def ocr_pages(protocol) -> int:
    """The pages Tesseract read, from the PDF reader's warnings: pages without a text
    layer, and pages whose text layer is garbled (their non-words read with OCR)."""
    n = 0
    for warning in protocol.warnings:
        if m := _SCANNED.search(warning):
            n += int(m.group(1))
        elif m := _GARBLED.search(warning):
            n += len(m.group(1).split(","))
    return n


def kind_of(path: Path, costs: dict, pages: int | None) -> str:
    if path.suffix == ".pdf":
        ocr = costs["read"][1]  # Tesseract's CPU
        if ocr <= 0.05:
            return "text PDF"
        return "scanned PDF" if pages and ocr / pages > 0.5 else "PDF, partly OCR"
    if path.suffix == ".docx":
        return "docx"
    return "legacy" if path.suffix in LEGACY else "text"


def conversions(files: list[Path], reps: int, tag: bool) -> tuple[dict, list, dict]:
    """Every file once to warm up, then ``reps`` timed passes: (per kind: docs, pages,
    per-rep stage costs), the protocols of the last pass with their pages, memory figures."""
    from protokoll import nlp as tagging
    from protokoll.ingest.convert import Converter

    os.environ["PROTOKOLL_OCR_PROCESSES"] = "1"
    memory = {"python_mb": proc_bytes(os.getpid(), "status", "VmHWM") / 2**20}
    nlp = tagging.load() if tag else None
    memory["nlp_loaded_mb"] = proc_bytes(os.getpid(), "status", "VmHWM") / 2**20
    meter, converter = Meter(), Converter()
    data = {p: p.read_bytes() for p in files}
    kinds: dict[str, dict] = {}
    try:
        warm = {p: measure_file(p, data[p], meter, nlp, converter) for p in files}
        for p, (protocol, costs) in warm.items():
            pages = page_equivalent(p, protocol.source.pages, data[p])
            k = kinds.setdefault(kind_of(p, costs, pages), {"files": [], "paged": set(), "docs": 0, "pages": 0,
                                                            "ocr_pages": 0, "reps": []})
            k["files"].append(p)
            k["docs"] += 1
            k["ocr_pages"] += ocr_pages(protocol)
            if pages:
                k["pages"] += pages
                k["paged"].add(p)
        del warm
        for _ in range(reps):
            protocols = []  # the last pass's
            for k in kinds.values():
                k["reps"].append({"all": {s: [0.0] * 4 for s in STAGES}, "paged": {s: [0.0] * 4 for s in STAGES}})
            for kind, k in kinds.items():
                for p in k["files"]:
                    protocol, costs = measure_file(p, data[p], meter, nlp, converter)
                    protocols.append((protocol, page_equivalent(p, protocol.source.pages, data[p]) or 0))
                    for stage, c in costs.items():
                        for part in ("all", "paged") if p in k["paged"] else ("all",):
                            k["reps"][-1][part][stage] = [a + b for a, b in zip(k["reps"][-1][part][stage], c)]
        memory["worker_mb"] = proc_bytes(os.getpid(), "status", "VmHWM") / 2**20
        memory["libreoffice_mb"] = sum(proc_bytes(c.pid, "status", "VmRSS") for c in meter.me.children(recursive=True)) / 2**20
    finally:
        converter.close()
    return kinds, protocols, memory


def summarise(kinds: dict) -> dict:
    """Per kind: docs, pages, and per stage the median CPU and wall per document and per page."""
    out = {}
    for kind in (k for k in KINDS if k in kinds):
        k = kinds[kind]
        row = {"files": k["docs"], "pages": k["pages"], "ocr_pages": k["ocr_pages"], "stages": {}}
        for stage in (*STAGES, "total"):
            def pick(rep, part, i):
                parts = rep[part].values() if stage == "total" else [rep[part][stage]]
                return sum(sum(c[:3]) if i is None else c[i] for c in parts)
            cpu_doc = median(pick(r, "all", None) for r in k["reps"]) / k["docs"]
            wall_doc = median(pick(r, "all", 3) for r in k["reps"]) / k["docs"]
            per_page = k["pages"] and median(pick(r, "paged", None) for r in k["reps"]) / k["pages"]
            wall_page = k["pages"] and median(pick(r, "paged", 3) for r in k["reps"]) / k["pages"]
            children = median(pick(r, "all", 1) + pick(r, "all", 2) for r in k["reps"]) / k["docs"]
            row["stages"][stage] = {"cpu_per_doc": cpu_doc, "wall_per_doc": wall_doc, "cpu_per_page": per_page or None,
                                    "wall_per_page": wall_page or None, "children_cpu_per_doc": children}
        if k["ocr_pages"]:  # Tesseract's CPU (and its rendering, in this process, is in "read" too)
            row["ocr_cpu_per_ocr_page"] = row["stages"]["read"]["children_cpu_per_doc"] * k["docs"] / k["ocr_pages"]
        out[kind] = row
    return out


def copies_of(protocols: list, n: int) -> list:
    """``n`` copies of the (protocol, pages) pairs, each with other bytes (sha256) and path
    and of another meeting: the store joins the documents of one meeting (same date, like
    bodies and items) and serves one reading of it, so a copy of the same meeting would
    cost the writer less than a new protocol does. Copy i is dated i years earlier."""
    out = []
    for i in range(n):
        for p, pages in protocols:
            sha = hashlib.sha256(f"{i}:{p.source.sha256}".encode()).hexdigest()
            source = dataclasses.replace(p.source, sha256=sha, path=f"/copy-{i}{p.source.path}")
            meeting = p.meeting
            if i and meeting.date:
                meeting = dataclasses.replace(meeting, date=(date.fromisoformat(meeting.date) - timedelta(days=366 * i))
                                              .isoformat())
            elif i:
                meeting = dataclasses.replace(meeting, body=f"{meeting.body or ''} (copy {i})")
            out.append((dataclasses.replace(p, source=source, meeting=meeting), pages))
    return out


def save_all(pairs: list, path: Path) -> tuple[float, float, int]:
    """store.save of every protocol into a fresh file at ``path``, one transaction per
    document as the import's Writer: (CPU s, wall s, bytes of the file after a checkpoint)."""
    from protokoll import store

    db = store.open(path)
    cpu, wall = time.process_time(), time.perf_counter()
    for p, _ in pairs:
        store.save(db, p)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return cpu, wall, path.stat().st_size


def writer(pairs: list, copies: int, reps: int, work: Path) -> dict:
    """The writer's rate: ``copies`` copies of the (protocol, pages) pairs saved into a
    fresh file, ``reps`` times, medians. The database's size: the pairs saved once (as
    an import of those files; copies would share their full-text index terms) less an
    empty database's. Pages are page equivalents (a .docx counts its PDF twin's)."""
    from protokoll import store

    store.open(work / "empty.db").close()
    empty = (work / "empty.db").stat().st_size
    size = save_all(pairs, work / "once.db")[2] - empty
    many = copies_of(pairs, copies)
    pages = sum(n for _, n in many)
    runs = [save_all(many, work / f"writer-{r}.db") for r in range(reps)]
    cpu, wall = (median(r[i] for r in runs) for i in range(2))
    once_pages = sum(n for _, n in pairs)
    return {"documents": len(many), "pages": pages, "cpu_s": cpu, "wall_s": wall,
            "docs_per_cpu_s": len(many) / cpu, "pages_per_cpu_s": pages / cpu,
            "docs_per_wall_s": len(many) / wall, "pages_per_wall_s": pages / wall,
            "db_documents": len(pairs), "db_pages": once_pages, "db_bytes": size,
            "bytes_per_page": size / once_pages if once_pages else None, "bytes_per_doc": size / len(pairs),
            "sqlite": sqlite3.sqlite_version}


def sha256_rate(files: list[Path], rounds: int = 5) -> float:
    """MB/s of hashlib.sha256 over the files' bytes (CPU time)."""
    data = [p.read_bytes() for p in files]
    started = time.process_time()
    for _ in range(rounds):
        for d in data:
            hashlib.sha256(d).hexdigest()
    return rounds * sum(map(len, data)) / 2**20 / (time.process_time() - started)


def arguments(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.costs", description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3, help="timed passes over every file (default 3); medians")
    ap.add_argument("--corpus", type=Path, default=CORPUS,
                    help=f"real protocols to add to samples/, e.g. a sample of your own archive "
                         f"(default {CORPUS}; skipped when absent)")
    ap.add_argument("--no-corpus", action="store_true", help="the samples only")
    ap.add_argument("--formats", help="only these file suffixes, e.g. pdf,txt (default: every one)")
    ap.add_argument("--copies", type=int, default=20,
                    help="the writer saves the protocols this many times over, each copy other bytes (default 20)")
    ap.add_argument("--no-tag", action="store_true", help="without spaCy tagging")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON instead of tables")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = arguments(argv)
    files = inputs(None if args.no_corpus else args.corpus, set(args.formats.split(",")) if args.formats else None)
    if not files:
        raise SystemExit("no input files")
    reps = max(1, args.reps)
    load = os.getloadavg()[0]
    kinds, protocols, memory = conversions(files, reps, not args.no_tag)
    with tempfile.TemporaryDirectory(prefix="protokoll-costs-") as tmp:
        saved = writer(protocols, max(1, args.copies), reps, Path(tmp))
    figures = {"date": date.today().isoformat(), "command": "python -m bench.costs " + " ".join(sys.argv[1:]),
               "cpus": os.cpu_count(), "load_average": [load, os.getloadavg()[0]], "reps": reps,
               "tag": not args.no_tag, "kinds": summarise(kinds), "writer": saved, "memory": memory,
               "sha256_mb_per_cpu_s": sha256_rate(files)}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        report(figures)


def report(f: dict) -> None:
    ms = lambda x: "–" if x is None else f"{x * 1000:,.1f}"  # noqa: E731
    print(f"# bench.costs, {f['date']}: {f['cpus']} CPUs, load average {f['load_average'][0]:.2f} -> "
          f"{f['load_average'][1]:.2f}, {f['reps']} timed passes (medians), "
          f"{'with' if f['tag'] else 'without'} tagging\n")
    print("## The file -> Protocol stage, CPU ms (this process + Tesseract + LibreOffice)\n")
    rows = []
    for kind, k in f["kinds"].items():
        s = k["stages"]
        rows.append((kind, k["files"], k["pages"] or "–", *(ms(s[st]["cpu_per_doc"]) for st in (*STAGES, "total")),
                     ms(s["total"]["cpu_per_page"]), ms(s["total"]["wall_per_page"]),
                     ms(s["total"]["children_cpu_per_doc"])))
    print(table(("kind", "files", "pages", "read /doc", "parse /doc", "tag /doc", "total /doc", "total /page",
                 "wall /page", "of it children /doc"), rows))
    for kind, k in f["kinds"].items():
        if k.get("ocr_cpu_per_ocr_page"):
            print(f"\n- {kind}: Tesseract read {k['ocr_pages']} of {k['pages']} pages, "
                  f"{k['ocr_cpu_per_ocr_page']:.2f} s of Tesseract CPU per page it read", end="")
    print()
    w, m = f["writer"], f["memory"]
    print(f"\n## The single writer (store.save, one transaction per document, fresh SQLite {w['sqlite']} file)\n")
    print(f"- {w['documents']:,} documents, {w['pages']:,} pages: {w['docs_per_cpu_s']:,.1f} documents and "
          f"{w['pages_per_cpu_s']:,.0f} pages per CPU second; {w['docs_per_wall_s']:,.1f} documents/s and "
          f"{w['pages_per_wall_s']:,.0f} pages/s wall")
    print(f"- database of the {w['db_documents']} documents saved once ({w['db_pages']:,} pages): "
          f"{w['db_bytes'] / 2**20:,.1f} MB = {w['bytes_per_page'] / 1024:,.1f} KB per page, "
          f"{w['bytes_per_doc'] / 1024:,.1f} KB per document")
    print(f"- sha256 of the files (the client, before submitting): {f['sha256_mb_per_cpu_s']:,.0f} MB per CPU second")
    print(f"\n## Memory\n\n- peak RSS (VmHWM) of this process: {m['python_mb']:.0f} MB at start, "
          f"{m['nlp_loaded_mb']:.0f} MB with spaCy loaded, {m['worker_mb']:.0f} MB after every conversion (a worker)")
    print(f"- LibreOffice (helper + soffice) resident: {m['libreoffice_mb']:.0f} MB")


if __name__ == "__main__":
    main()
