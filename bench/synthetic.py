"""The one synthetic archive of the benchmarks: files of every format, and records.

:func:`generate` writes N protocols made from the two sample protocols with other
bodies, dates, names and amounts, in both layouts (LSVO "§ 94/24" and "1). Title (B)"),
spread over 4 shard folders: mostly .docx (python-docx) and text-layer .pdf (PDFium
through pypdfium2, which the product already uses), 5 % .txt/.md, 2 % legacy files
(.rtf, .odt and .doc, each converted from its .docx by LibreOffice, one call per
format for all of them) and 1 % scanned PDFs (the scanned sample, each copy with other
bytes). :func:`protocols` makes ``Protocol`` records straight away (no files), from
the sample words with their real frequencies, for the store and serving benchmarks.
"""

from __future__ import annotations

import ctypes
import json
import random
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from bench.common import SAMPLES

BODIES = ["Kommunstyrelsen", "Socialnämnden", "Barn- och utbildningsnämnden", "Tekniska nämnden",
          "Kultur- och fritidsnämnden", "Miljö- och byggnadsnämnden", "Äldrenämnden", "Regionstyrelsen"]
FIRST = ["Anna", "Erik", "Karin", "Lars", "Maria", "Johan", "Eva", "Per", "Sofia", "Anders", "Lena", "Björn",
         "Ingrid", "Nils", "Åsa", "Göran", "Elin", "Oskar", "Märta", "Ulf"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Lindqvist", "Åberg", "Ström", "Hägg", "Bergström", "Öberg"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]
SAMPLE_NAMES = ["Bodil Sundlöf", "Torill Skaar Magnusson", "Mats Wennstig", "Carina Andersson", "Mats Berggren",
                "Annika Mellqvist", "Gunilla Råberg", "Patrik Håkansson", "Robert Schelin", "Emma Stahre"]
LEGACY = ("rtf", "odt", "doc")
FORMATS = ("docx", "pdf", "txt", "md", *LEGACY)  # and scanned .pdf


# --------------------------------------------------------------------------- text


def protocol_text(rng: random.Random) -> tuple[str, bool]:
    """(text, is_markdown): a sample protocol with another body, date, names and amounts."""
    markdown = rng.random() < 0.5
    text = (SAMPLES / ("lsvo-2024-12-13.md" if markdown else "aldras.txt")).read_text(encoding="utf-8")
    day = date(2012, 1, 1) + timedelta(days=rng.randrange(14 * 365))
    body = rng.choice(BODIES)
    text = text.replace("2024-12-13", day.isoformat()).replace("2024-11-25", day.isoformat())
    text = text.replace("13 december 2024", f"{day.day} {MONTHS[day.month - 1]} {day.year}")
    text = text.replace("LSVO", body).replace("Samverkansgrupp att åldras", body)
    for name in SAMPLE_NAMES:
        text = text.replace(name, f"{rng.choice(FIRST)} {rng.choice(LAST)}")
    text = re.sub(r"\b\d{1,3}(?: \d{3})+\b", lambda m: f"{rng.randrange(10_000, 5_000_000):,}".replace(",", " "),
                  text)
    return text, markdown


def lines(text: str, markdown: bool):
    """(kind, text) per non-empty line: heading / bullet / paragraph."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if markdown and line.startswith("#"):
            yield "heading", line.lstrip("#").strip().replace("**", "")
        elif line.startswith("- "):
            yield "bullet", line[2:].replace("**", "")
        else:
            yield "paragraph", line.replace("**", "")


# --------------------------------------------------------------------------- writers


def write_docx(path: Path, text: str, markdown: bool) -> None:
    import docx

    d = docx.Document()
    for kind, line in lines(text, markdown):
        if kind == "heading":
            d.add_heading(line, level=2)
        else:
            d.add_paragraph(line, style="List Bullet" if kind == "bullet" else None)
    d.save(str(path))


def wrap(text: str, markdown: bool, width: int = 95) -> list[str]:
    """The protocol's lines as printed on a page: bullets with "- ", wrapped at ``width``."""
    out = []
    for kind, line in lines(text, markdown):
        prefix = "- " if kind == "bullet" else ""
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            cut = cut if cut > 20 else width
            out.append(prefix + line[:cut])
            line, prefix = line[cut:].lstrip(), "  " if prefix else ""
        out.append(prefix + line)
    return out


def write_pdf(path: Path, text: str, markdown: bool, per_page: int = 58) -> int:
    """A text-layer A4 PDF of the protocol (Helvetica 10 pt, ``per_page`` lines and a
    "Sida n av m" footer a page), written by PDFium; returns the number of pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    wrapped = wrap(text, markdown)
    pages = [wrapped[i:i + per_page] for i in range(0, len(wrapped), per_page)] or [[""]]
    pdf = pdfium.PdfDocument.new()
    font = raw.FPDFText_LoadStandardFont(pdf, b"Helvetica")
    try:
        for n, page_lines in enumerate(pages, 1):
            page = pdf.new_page(595, 842)
            placed = [(line, 10.0, 56, 800 - 13 * k) for k, line in enumerate(page_lines)]
            for line, size, x, y in placed + [(f"Sida {n} av {len(pages)}", 8.0, 500, 30)]:
                obj = raw.FPDFPageObj_CreateTextObj(pdf, font, size)
                wide = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
                raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(raw.FPDF_WCHAR)))
                raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
                raw.FPDFPage_InsertObject(page, obj)  # the page owns it from here
            page.gen_content()
            page.close()
        pdf.save(str(path))
    finally:
        raw.FPDFFont_Close(font)
        pdf.close()
    return len(pages)


def convert(sources: list[Path], fmt: str, outdir: Path) -> None:
    """``sources`` (.docx) to ``fmt`` in ``outdir`` by LibreOffice, in one call."""
    if not sources:
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources)],
                       capture_output=True, timeout=60 + 10 * len(sources), check=True)


# --------------------------------------------------------------------------- the archive


def kinds_of(n: int, rng: random.Random) -> list[str]:
    """The kind of each of N files, shuffled: 1 % scanned, 2 % legacy (at least 3),
    5 % text, half the rest text-layer PDF, the others .docx."""
    n_scanned, n_legacy, n_text = max(1, n // 100), max(3, n // 50), max(1, n // 20)
    n_pdf = (n - n_scanned - n_legacy - n_text) // 2
    kinds = ["scanned"] * n_scanned + ["legacy"] * n_legacy + ["text"] * n_text + ["pdf"] * n_pdf
    kinds += ["docx"] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


def generate(root: Path, n: int, seed: int = 1) -> dict[str, list[Path]]:
    """N protocols in root/shard-{0..3}/<year>/; returns the paths by kind (docx, pdf,
    text, legacy, scanned)."""
    rng = random.Random(seed)
    scanned = (SAMPLES / "aldras-scanned.pdf").read_bytes()
    out: dict[str, list[Path]] = {}
    legacy: dict[str, list[Path]] = {fmt: [] for fmt in LEGACY}
    for i, kind in enumerate(kinds_of(n, rng)):
        text, markdown = protocol_text(rng)
        folder = root / f"shard-{i % 4}" / str(2012 + rng.randrange(14))
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"protokoll-{i:06d}"
        if kind == "scanned":
            path = stem.with_suffix(".pdf")
            path.write_bytes(scanned + f"% copy {i}\n".encode())  # same pages, other bytes
        elif kind == "pdf":
            path = stem.with_suffix(".pdf")
            write_pdf(path, text, markdown)
        elif kind == "docx":
            path = stem.with_suffix(".docx")
            write_docx(path, text, markdown)
        elif kind == "text":
            path = stem.with_suffix(".md" if markdown else ".txt")
            path.write_text(text, encoding="utf-8")
        else:
            fmt = LEGACY[len(out.get("legacy", [])) % len(LEGACY)]
            path = stem.with_suffix("." + fmt)
            legacy[fmt].append(path)
            write_docx(path.with_suffix(".docx.tmp"), text, markdown)
        out.setdefault(kind, []).append(path)
    _convert_legacy(legacy)
    return out


def _convert_legacy(legacy: dict[str, list[Path]]) -> None:
    """Each legacy file from the .docx.tmp written beside it: one LibreOffice call per format."""
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, paths in legacy.items():
            srcs = []
            for k, p in enumerate(paths):
                src = Path(tmp, f"{k:06d}-{p.stem}.docx")  # unique: stems repeat across shard folders
                shutil.move(str(p.with_suffix(".docx.tmp")), src)
                srcs.append(src)
            convert(srcs, fmt, Path(tmp))
            for src, p in zip(srcs, paths):
                shutil.move(str(src.with_suffix("." + fmt)), p)


def manifest_of(archive: Path) -> Path:
    """Beside the archive, not in it: the import would read it as a file of the archive."""
    return archive.with_name(archive.name + ".json")


def kept(archive: Path, n: int) -> dict[str, list[Path]] | None:
    """The paths by kind of an archive of N protocols that :func:`keep` built earlier, if any."""
    try:
        manifest = json.loads(manifest_of(archive).read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("n") != n:
        return None
    return {k: [archive / p for p in v] for k, v in manifest["kinds"].items()}


def keep(archive: Path, n: int) -> tuple[dict[str, list[Path]], bool]:
    """The archive of N protocols at ``archive``: reused if built there before, else
    generated there with its manifest. Returns (paths by kind, reused)."""
    kinds = kept(archive, n)
    if kinds is not None:
        return kinds, True
    if archive.exists() and any(archive.iterdir()):
        raise SystemExit(f"{archive} holds files but no archive of {n} protocols: give an empty or new folder")
    kinds = generate(archive, n)
    manifest_of(archive).write_text(json.dumps(
        {"n": n, "kinds": {k: [str(p.relative_to(archive)) for p in v] for k, v in kinds.items()}}))
    return kinds, False


# --------------------------------------------------------------------------- records, no files

ITEMS_PER_DOC = 10
CLAUSES_PER_ITEM = 10
RECORD_BODIES = ["LSVO", "Kommunstyrelsen", "Barn- och utbildningsnämnden", "Socialnämnden", "Regionstyrelsen",
                 "Samverkansgrupp att åldras", "Tekniska nämnden", "Kultur- och fritidsnämnden"]


def vocabulary() -> tuple[list[str], list[int]]:
    """The words of the sample protocols and their counts, most common first."""
    text = " ".join(p.read_text(encoding="utf-8") for p in SAMPLES.glob("*.md")) + " " + \
        (SAMPLES / "aldras.txt").read_text(encoding="utf-8")
    words = Counter(w.lower() for w in re.findall(r"[^\W\d_]{2,}", text))
    words.update({"budgeten": 20, "förskolan": 20, "förskolorna": 10, "avvikelserna": 10})
    pairs = words.most_common()
    return [w for w, _ in pairs], [c for _, c in pairs]


def protocols(n_docs: int, seed: int = 1):
    """``n_docs`` Protocol records of ITEMS_PER_DOC items of CLAUSES_PER_ITEM clauses each,
    their text drawn from the sample words with their real frequencies."""
    from protokoll.records import Decision, Item, Meeting, Protocol, Source, stable_id

    words, weights = vocabulary()
    rnd = random.Random(seed)

    def sentence(lo, hi):
        return " ".join(rnd.choices(words, weights, k=rnd.randint(lo, hi)))

    for d in range(n_docs):
        items = []
        for i in range(ITEMS_PER_DOC):
            clauses = tuple("att " + sentence(8, 20) for _ in range(CLAUSES_PER_ITEM))
            text = sentence(40, 80) + "\n" + "\n".join(clauses)
            decision = Decision(by=None, kind="decision", outcome="decided", text="beslutar", clauses=clauses)
            items.append(Item(number=str(i + 1), label=f"§ {i + 1}", title=sentence(3, 7).capitalize(),
                              kind="decision", page=1 + i // 3, dnr=f"DNR {2015 + d % 10}/{d}", text=text,
                              decisions=(decision,)))
        sha = stable_id("bench", d, length=64)
        yield Protocol(Source(f"arkiv/{d:06d}.docx", sha, "docx", 4, 40_000),
                       Meeting(RECORD_BODIES[d % len(RECORD_BODIES)],
                               f"{2015 + d % 10}-{1 + d % 12:02d}-{1 + d % 28:02d}"),
                       items=tuple(items))
