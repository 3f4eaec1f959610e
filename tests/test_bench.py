"""The benchmarks' synthetic archive is readable, and the benchmarks start (no timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import synthetic
from protokoll import ingest, parsers

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # LibreOffice converts the legacy files
def test_synthetic_archive_writes_n_readable_files_of_every_format(tmp_path):
    n = 100  # 3 legacy files (one of each format), 5 text files, 1 scanned, 45 text-layer PDFs
    kinds = synthetic.generate(tmp_path / "archive", n)
    files = sorted(p for p in (tmp_path / "archive").rglob("*") if p.is_file())
    assert len(files) == n
    assert sorted(p for paths in kinds.values() for p in paths) == files
    suffixes = Counter(p.suffix for p in files)
    assert set(suffixes) == {".docx", ".pdf", ".txt", ".md", ".rtf", ".odt", ".doc"}
    assert suffixes[".rtf"] == suffixes[".odt"] == suffixes[".doc"] == 1
    by_kind = {kind: [p.suffix for p in paths] for kind, paths in kinds.items()}
    assert len(by_kind["scanned"]) == 1 and len(by_kind["pdf"]) > n // 3
    read_each = [paths[0] for kind, paths in kinds.items() if kind not in ("legacy", "scanned")]
    read_each += kinds["legacy"]  # .rtf, .odt, .doc: LibreOffice's conversions of the .docx
    for path in read_each:
        document = ingest.read(path)
        assert document.source.format == path.suffix.lstrip("."), path
        assert any(body in document.text for body in synthetic.BODIES), path
        assert len(parsers.parse(document).items) >= 10, path
    assert all(ingest.read(p).source.pages >= 2 for p in kinds["pdf"][:3])  # PDFium's text layer, 58 lines a page
    assert len({p.read_bytes() for p in kinds["scanned"] + [ROOT / "samples" / "aldras-scanned.pdf"]}) == 2


def test_synthetic_records_are_the_asked_number_and_size():
    records = list(synthetic.protocols(3))
    assert len(records) == 3 and len({r.source.sha256 for r in records}) == 3
    assert all(len(r.items) == synthetic.ITEMS_PER_DOC for r in records)
    assert all(len(it.decisions[0].clauses) == synthetic.CLAUSES_PER_ITEM for r in records for it in r.items)


@pytest.mark.parametrize("module", ["archive", "store", "serve", "scaling", "eval_corpus", "costs", "cluster"])
def test_benchmark_runs_as_a_module(module):
    out = subprocess.run([sys.executable, "-m", f"bench.{module}", "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"python -m bench.{module}" in out.stdout


def test_costs_measures_each_kind_and_the_writer():
    """bench.costs on three small samples, one pass, no corpus: every figure is there and positive."""
    out = subprocess.run([sys.executable, "-m", "bench.costs", "--reps", "1", "--copies", "2", "--no-corpus",
                          "--formats", "pdf,md", "--no-tag", "--json"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    kinds = figures["kinds"]
    assert set(kinds) == {"text PDF", "scanned PDF", "text"}  # aldras-scanned.pdf needs Tesseract on every page
    assert kinds["text PDF"]["files"] == 2 and kinds["text PDF"]["pages"] == 38
    assert kinds["text"]["pages"] == 22  # the .md counts the pages of its PDF twin
    scanned = kinds["scanned PDF"]["stages"]
    assert scanned["read"]["children_cpu_per_doc"] > 0.5  # Tesseract's CPU is counted
    assert scanned["total"]["cpu_per_page"] > 10 * kinds["text PDF"]["stages"]["total"]["cpu_per_page"] > 0
    assert all(k["stages"]["tag"]["cpu_per_doc"] < 0.01 for k in kinds.values())  # --no-tag: no tag stage
    writer = figures["writer"]
    assert writer["documents"] == 2 * 4 and writer["pages"] == 2 * (38 + 2 + 22)
    assert writer["docs_per_cpu_s"] > 0 and writer["db_documents"] == 4 and writer["bytes_per_page"] > 0
    assert figures["memory"]["worker_mb"] >= figures["memory"]["python_mb"] > 0


@pytest.mark.slow
def test_cluster_benchmark_measures_three_executors_on_two_archives():
    out = subprocess.run([sys.executable, "-m", "bench.cluster", "10", "--no-tag"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if line.startswith("| synthetic") or line.startswith("| text")]
    assert len(rows) == 6, out.stdout
    assert all(float(r.split("|")[5]) > 0 and float(r.split("|")[7]) > 0 for r in rows)  # documents/s, start-up s
