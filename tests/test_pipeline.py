"""The pipeline's seams (protokoll.pipeline): walk, executors, the one writer."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from protokoll import ingest, pipeline, store
from protokoll.ingest.shared import Service
from protokoll.records import Protocol, to_dict
from tablehash import table_hashes

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
PLAIN = ["aldras.txt", "lsvo-2024-12-13.md", "lsvo-2024-12-13.docx", "aldras.pdf"]


def _archive(folder: Path) -> Path:
    """Samples in a folder, one of them also in a zip inside a zip, and a file to skip."""
    folder.mkdir()
    for name in ("aldras.txt", "lsvo-2024-12-13.md", "lsvo-2024-12-13.docx"):
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("lsvo.md", (SAMPLES / "lsvo-2024-12-13.md").read_bytes() + b"\nkopia\n")
    with zipfile.ZipFile(folder / "arkiv.zip", "w") as z:
        z.writestr("inner.zip", inner.getvalue())
        z.writestr("aldras.pdf", (SAMPLES / "aldras.pdf").read_bytes())
    (folder / "bild.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return folder


def test_walk_gives_each_file_once_with_its_sha256_and_format(tmp_path):
    folder = _archive(tmp_path / "a")
    (tmp_path / "a" / "sub").symlink_to(folder)  # a loop: walked once
    skipped = []
    files = list(pipeline.iter_files([folder], skipped))
    candidates = list(pipeline.iter_candidates(files))
    paths = [c.path for c in candidates]
    assert len(paths) == len(set(paths)) == 6
    assert sorted(Path(p.split("!")[0]).name + "!".join([""] + p.split("!")[1:]) for p in paths) == [
        "aldras.txt", "arkiv.zip!aldras.pdf", "arkiv.zip!inner.zip!lsvo.md", "bild.png",
        "lsvo-2024-12-13.docx", "lsvo-2024-12-13.md"]
    assert [reason for _p, reason in skipped] == ["folder already walked (symlink loop or second link)"]
    formats = {}
    for c in candidates:
        assert c.sha256 == hashlib.sha256(c.data).hexdigest()
        try:
            formats[c.path.rsplit("/", 1)[-1]] = pipeline.select(c)
        except Exception as e:  # the PNG: not a protocol, skipped by its content
            formats[c.path.rsplit("/", 1)[-1]] = type(e).__name__
    assert formats == {"aldras.txt": "txt", "arkiv.zip!aldras.pdf": "pdf", "arkiv.zip!inner.zip!lsvo.md": "md",
                       "bild.png": "UnsupportedFormat", "lsvo-2024-12-13.docx": "docx", "lsvo-2024-12-13.md": "md"}


@pytest.mark.parametrize("files, converts", [
    (["a/1.pdf", "a/2.docx", "a/3.txt"], False),
    (["a/1.pdf", "a/2.DOC"], True),
    (["a/x.odt"], True),
    (["a/x.rtf"], True),
    (["a/old.zip"], False),  # its members are known once it is read
    (["a/doc", "a/x.docx", "a/rtf.pdf"], False),
    ([], False),
])
def test_an_import_starts_libreoffice_at_once_when_its_files_need_it(files, converts):
    assert pipeline.walk.will_convert(files) is converts


def test_ingest_read_takes_the_walks_sha256_and_format_instead_of_computing_them():
    data = (SAMPLES / "aldras.txt").read_bytes()
    given = "0" * 64  # not the bytes' hash: read must use it as it is, not hash again
    doc = ingest.read("aldras.txt", data=data, sha256=given, format="md")
    assert (doc.source.sha256, doc.source.format) == (given, "md")
    assert ingest.read("aldras.txt", data=data).source.sha256 == hashlib.sha256(data).hexdigest()


def _run(executor, names):
    out = []
    for name in names:
        c = pipeline.Candidate(str(SAMPLES / name), (SAMPLES / name).read_bytes())
        while not executor.idle():
            out += executor.results(wait=60)
        executor.submit(pipeline.Candidate(c.path, c.data, c.sha256, pipeline.select(c)))
    while executor.busy:
        out += executor.results(wait=60)
    return {Path(c.path).name: to_dict(r) for c, r in out}


def test_inline_and_the_process_pool_give_equal_protocols(tmp_path):
    names = PLAIN + ["lsvo-2024-12-13.odt"]
    with Service() as service:
        inline = _run(pipeline.Inline(converter=service.local), names)
        with pipeline.LocalPool(2, converter_address=service.address) as pool:
            pooled = _run(pool, names)
    assert set(inline) == set(names)
    assert all(isinstance(v, dict) and v["items"] for v in inline.values())
    assert _differences(pooled, inline) == []


def _differences(a, b, at="") -> list[str]:
    """Where two JSON-like values differ (the first few places), for a readable failure."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{at}.{k}")][:5]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{at}[{i}]")][:5]
    return [] if a == b else [f"{at}: {a!r} != {b!r}"[:300]]


def test_a_worker_stopped_by_the_time_limit_gives_a_failure_with_its_stage_and_the_pool_goes_on(monkeypatch):
    monkeypatch.setenv("PROTOKOLL_TEST_HANG_STAGE", "parse")
    monkeypatch.setenv("PROTOKOLL_TEST_ONLY", "aldras.txt")
    with pipeline.LocalPool(1, timeout=3) as pool:
        got = {}
        for name in ("aldras.txt", "lsvo-2024-12-13.md"):
            c = pipeline.Candidate(str(SAMPLES / name), (SAMPLES / name).read_bytes())
            pool.submit(c)
            while not pool.idle():
                got.update((Path(c.path).name, r) for c, r in pool.results(wait=30))
        pids = list(pool.worker_pids)
    hung = got["aldras.txt"]
    assert isinstance(hung, pipeline.Failure) and (hung.code, hung.stage) == ("timeout", "parse"), hung
    assert isinstance(got["lsvo-2024-12-13.md"], Protocol)
    assert pids[0] != pids[1]  # the stopped worker was replaced
    with pytest.raises(ProcessLookupError):
        os.killpg(pids[0], 0)  # nothing of its process group is left


def test_load_and_ingest_of_the_same_files_give_the_same_tables(tmp_path):
    from click.testing import CliRunner

    from protokoll.cli import cli

    folder = tmp_path / "a"
    folder.mkdir()
    names = PLAIN + ["lsvo-2024-12-13.rtf"]
    for name in names:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "trasig.pdf").write_bytes(b"%PDF-1.7\n not a pdf at all")  # a recorded failure
    files = [str(folder / n) for n in sorted(os.listdir(folder))]  # the walk's order: one worker keeps it
    r = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "i.db"), "--no-tag", "-w", "1", "-q"])
    assert r.exit_code == 1, r.output  # trasig.pdf
    r = CliRunner().invoke(cli, ["load", *files, "--db", str(tmp_path / "l.db"), "--no-tag", "-s"])
    assert r.exit_code == 1, r.output
    ingested = table_hashes(tmp_path / "i.db", {})
    assert table_hashes(tmp_path / "l.db", {}) == ingested
    db = store.open(tmp_path / "l.db")
    assert db.execute("select count(*) from documents where status = 'ok'").fetchone()[0] == len(names)
