"""A real `protokoll serve` on 127.0.0.1, searched in headless Chromium (found on PATH or configured).

Uses the helpers of scripts/screenshot.py (which makes docs/screenshot.png), so the
README screenshot and this test run the same server and browser code.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from protokoll.background import serving
from test_serve import SAMPLES, make_db

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(screenshot.find_chromium() is None, reason="no Chromium (on PATH or $PROTOKOLL_CHROMIUM)"),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = make_db(tmp_path_factory.mktemp("browser") / "protokoll.db")
    with serving(db, archive=SAMPLES) as base, screenshot.chromium() as browser:
        yield db, base, browser


def lsvo_id(db) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("select id from documents where path = 'lsvo-2024-12-13.pdf'").fetchone()[0]


def test_search_box_shows_decision_with_source_link(served, tmp_path):
    db, base, browser = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    screenshot.search_register(page, base, "protokoll", "avvikelse")
    assert "_search=avvikelse" in page.url
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    row = rows.first
    assert "avvikelsehantering" in row.inner_text()
    link = row.locator("td.col-source a")
    assert link.inner_text() == "lsvo-2024-12-13.pdf, s. 7"
    href = link.get_attribute("href")
    assert href == f"/-/source/protokoll/{lsvo_id(db)}#page=7"
    response = page.request.get(base + href.split("#")[0])
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == (SAMPLES / "lsvo-2024-12-13.pdf").read_bytes()
    shot = tmp_path / "search.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_search_page_finds_inflections_across_items(served):
    _, base, browser = served
    page = browser.new_page()
    page.goto(f"{base}/")
    page.fill("#protokoll-q", "förskolorna")  # the home page's search box
    with page.expect_navigation():
        page.press("#protokoll-q", "Enter")
    assert page.url.startswith(f"{base}/protokoll/sok?q=")
    text = page.locator("ol.protokoll-hits").inner_text()
    assert "förskolan" in text  # "förskolorna" finds "förskolan"
    assert re.search(r"ks-2023-05-10\.docx", text)
    assert page.locator("ol.protokoll-hits mark").count() >= 1
    assert re.match(r"\d+ träff", page.locator("p.hit-count").inner_text())


def test_highlighted_search_and_its_atom_feed(served):
    """The search page marks the matched words, stemmed ("förskola" marks "förskolan" and
    "Förskolorna": KS 2023-05-10 §§ 12-13), and its "Prenumerera" link is an Atom feed of
    those items' decisions that the browser opens; the page is docs/search.png."""
    _, base, browser = served
    page = browser.new_page(viewport={"width": 1200, "height": 560})
    page.goto(f"{base}/protokoll/sok?q=förskola")
    marks = {m.lower() for m in page.locator("ol.protokoll-hits mark").all_inner_texts()}
    assert {"förskolan", "förskolorna"} <= marks
    feed = page.locator("link[rel=alternate][type='application/atom+xml']")
    link = page.locator("a.protokoll-feed")
    assert link.inner_text() == "Prenumerera / subscribe (Atom)"
    assert feed.get_attribute("href") == link.get_attribute("href") == "/protokoll/bevakning.atom?q=f%C3%B6rskola"
    page.screenshot(path=str(ROOT / "docs" / "search.png"))
    assert (ROOT / "docs" / "search.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_navigation():
        link.click()
    response = page.request.get(page.url)
    assert response.status == 200 and response.headers["content-type"].startswith("application/xml")
    atom = ET.fromstring(response.body())
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in entries]
    assert titles == ["2023-05-10 Kommunstyrelsen § 12 Budgeten för förskolan 2024"] * 2 + [
        "2023-05-10 Kommunstyrelsen § 13 Förskolorna i Lyckeby"]
    assert "Budgeten för förskolan 2024" in page.inner_text("body")  # the browser shows the feed


# What a registrar reads first, in order (protokoll.web.REGISTER_COLUMNS as the view has them).
LABELS = ["Datum", "Organ", "§", "Ärende", "Diarienummer", "Beslut / att-sats", "Belopp som beslutas",
          "Belopp i satsen", "Utfall", "Sista dag att överklaga", "Källa med sida", "Alla källfiler"]


def test_register_page_row_links_and_readme_screenshot(served):
    """The register as a user opens it (first link on the home page); this page is the
    README's docs/screenshot.png."""
    db, base, browser = served
    page = browser.new_page()
    screenshot.register_screenshot(page, base, ROOT / "docs" / "screenshot.png")
    assert page.url.startswith(f"{base}/protokoll/decision_register")
    heads = [h.strip().rstrip("▼▲").strip() for h in page.locator("table.protokoll-register th").all_inner_texts()]
    assert heads == LABELS
    first = page.locator("table.protokoll-register tbody tr").first
    assert first.locator("td.col-date").inner_text() == "2024-12-13"  # newest meeting first
    assert (ROOT / "docs" / "screenshot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # a clause's row page, then up to its item and meeting
    with page.expect_navigation():
        first.locator("td.col-clause a").click()
    assert "/protokoll/clauses/" in page.url
    assert page.title().startswith("§ 94/24 ")
    ups = page.locator("ul.protokoll-upward a")
    assert [t.split(":")[0] for t in page.locator("ul.protokoll-upward li").all_inner_texts()] == [
        "Beslut", "Paragraf", "Sammanträde", "Källa"]
    assert ups.nth(3).get_attribute("href") == f"/-/source/protokoll/{lsvo_id(db)}#page=2"
    with page.expect_navigation():
        ups.nth(1).click()
    assert "/protokoll/items/" in page.url and page.title().startswith("§ 94/24 ")
    with page.expect_navigation():
        page.locator("ul.protokoll-upward a").first.click()
    assert "/protokoll/meetings/" in page.url and page.title().startswith("LSVO 2024-12-13")


def test_register_csv_link_gives_every_row_for_swedish_excel(served):
    db, base, browser = served
    page = browser.new_page()
    page.goto(f"{base}/protokoll/decision_register")
    link = page.locator("p.export-links a", has_text="CSV").first
    href = link.get_attribute("href")
    assert href.startswith("/protokoll/decision_register.csv_excel")
    body = page.request.get(base + href).body()
    assert body.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:3] == ["date", "body", "paragraph"]
    with sqlite3.connect(db) as conn:
        total = conn.execute("select count(*) from decision_register").fetchone()[0]
    assert total == 10 and len(lines) - 1 == total  # every clause of the three protocols
    assert any(";12500000;" in line for line in lines)  # KS § 12: 12 500 000 kr as a number


def test_amounts_chart_and_search_all_work_in_the_browser(served):
    """datasette-vega charts a saved query; datasette-search-all lists hits per table."""
    _, base, browser = served
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/protokoll/belopp_per_ar?threshold=0")
    page.locator("button", has_text="Show charting options").click()
    selects = page.locator("select")
    selects.nth(0).select_option("year")
    selects.nth(1).select_option(label="Category")
    selects.nth(2).select_option("total")
    page.check("input[value=bar]")
    page.locator(".vega-embed svg, .vega-embed canvas").first.wait_for(timeout=10_000)
    page.goto(f"{base}/-/search?q=förskolorna")
    page.get_by_text("results in protokoll: clauses").wait_for(timeout=10_000)
    assert "budgeten för förskolan" in page.inner_text("body")
    assert errors == []


@pytest.fixture(scope="module")
def lsvo_five_files(served, tmp_path_factory):
    """The LSVO meeting in all five of its sample files, imported as `make demo` does."""
    root = tmp_path_factory.mktemp("lsvo5")
    archive = root / "arkiv"
    archive.mkdir()
    for ext in ("md", "docx", "odt", "rtf", "pdf"):
        (archive / f"lsvo-2024-12-13.{ext}").write_bytes((SAMPLES / f"lsvo-2024-12-13.{ext}").read_bytes())
    db = root / "protokoll.db"
    r = subprocess.run([str(screenshot.PROTOKOLL), "ingest", str(archive), "--db", str(db)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    with serving(db, archive=archive) as base:
        yield db, base, served[2]  # one Chromium per module (Playwright's sync API)


def test_the_demos_totals_count_one_meeting_once(lsvo_five_files):
    """Five files, one meeting: the money LSVO decided on 2024-12-13, worked out by hand
    from the minutes (tests/test_issues_amounts.py): the first clause of each of § 97/24's
    nine "LSVO beslutar" blocks decides a grant, 600 000 + 900 000 + 1 476 576 + 415 000
    + 400 000 + 3 600 000 + 600 000 + 600 000 + 57 000 = 8 648 576 kr; its 59 clauses are
    in the register once, not five times (96 433 640 kr was the sum of every amount in
    every file before issue 28)."""
    _, base, browser = lsvo_five_files
    page = browser.new_page()
    page.goto(f"{base}/protokoll/belopp_per_ar?threshold=0")
    cells = page.locator("table.rows-and-columns tbody tr").first.locator("td")
    row = dict(zip([h.strip() for h in page.locator("table.rows-and-columns th").all_inner_texts()],
                   [c.strip() for c in cells.all_inner_texts()]))
    assert page.locator("table.rows-and-columns tbody tr").count() == 1
    assert (row["body"], row["year"], row["total"]) == ("LSVO", "2024", "8\u00a0648\u00a0576")  # no-break spaces
    page.goto(f"{base}/protokoll/decision_register")
    csv_url = page.locator("a.protokoll-csv").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(base + csv_url).body().decode("utf-8-sig")),
                               delimiter=";"))
    assert len(rows) == 59
    assert {Path(r["source"]).name for r in rows} == {"lsvo-2024-12-13.pdf"}  # the main source
    assert {len(r["sources"].split("; ")) for r in rows} == {5}  # and every file of the meeting


def test_person_page_from_the_attendance_list(served, tmp_path):
    """Issue 31: a person's page, reached from the attendance table, shows her attendance,
    her vote in the roll call and her reservation (tests/data/people/README.md), and
    links to the item; the README's docs/person.png."""
    archive = tmp_path / "arkiv"
    archive.mkdir()
    fixture = Path(__file__).parent / "data" / "people" / "kf-2025-03-27.txt"
    (archive / fixture.name).write_bytes(fixture.read_bytes())
    db = tmp_path / "protokoll.db"
    r = subprocess.run([str(screenshot.PROTOKOLL), "ingest", str(archive), "--db", str(db), "-q"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    with serving(db, archive=archive) as base:
        page = served[2].new_page(viewport={"width": 1200, "height": 800})
        page.goto(f"{base}/protokoll/attendance?name=Lars+Berg")
        with page.expect_navigation():
            page.locator("table.rows-and-columns td.col-person_id a.person").click()
        assert re.match(rf"{base}/protokoll/person/[0-9a-f]+$", page.url)
        assert page.locator("h1").inner_text() == "Lars Berg"
        assert "närvarande vid 1 av 1" in page.locator("ul.attended").inner_text()
        assert "1:e vice ordförande" in page.locator("table.attendance").inner_text()
        vote = page.locator("table.votes tbody tr")
        assert vote.count() == 1
        assert vote.locator("td.vote").inner_text() == "NEJ"
        assert "avslag på kommunstyrelsens förslag" in vote.inner_text()
        assert "KF § 13" in page.locator("ul.reservations").inner_text()
        page.screenshot(path=str(ROOT / "docs" / "person.png"))
        with page.expect_navigation():
            vote.locator("a.item").click()
        assert "Försäljning av fastigheten Ekeby 4:12" in page.locator("h1").inner_text()
    assert (ROOT / "docs" / "person.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_personnummer_masked_on_the_search_page_and_privacy_screenshot(served, tmp_path):
    """The privacy fixture served (its § 41 holds a personnummer and a samordningsnummer):
    the search page shows them masked; the page is docs/privacy.png."""
    from protokoll.background import PROTOKOLL
    from test_privacy import FIXTURE, LEAKS

    (tmp_path / "arkiv").mkdir()
    (tmp_path / "arkiv" / FIXTURE.name).write_bytes(FIXTURE.read_bytes())
    db = tmp_path / "socialnamnden.db"
    subprocess.run([PROTOKOLL, "ingest", str(tmp_path / "arkiv"), "--db", str(db), "--workers", "1", "-q"],
                   check=True, timeout=300)
    with serving(db, archive=tmp_path / "arkiv") as base:
        page = served[2].new_page(viewport={"width": 1200, "height": 420})
        page.goto(f"{base}/socialnamnden/sok?q=s%C3%B6kande")
        hits = page.locator("ol.protokoll-hits").inner_text()
        assert "19121212-XXXX" in hits and not LEAKS.search(page.content())
        page.screenshot(path=str(ROOT / "docs" / "privacy.png"))
    assert (ROOT / "docs" / "privacy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_decisions_still_open_to_appeal_page_and_screenshot(served, tmp_path):
    """The canned query "beslut som fortfarande kan överklagas", reached from the register's
    description: the OJ fixture posted today and three weeks ago (open: § 30 of each; its
    OJ §§ 31-32 have no last day) and 60 days ago (passed). Saves docs/appeal.png."""
    from test_appeal import open_db

    from protokoll import appeal

    browser = served[2]  # one Chromium per module
    path, posted = open_db(tmp_path)
    with serving(path, archive=tmp_path) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 640})
        page.goto(f"{base}/protokoll/decision_register")
        with page.expect_navigation():
            page.locator("a[href='overklagbara']").click()
        assert page.url == f"{base}/protokoll/overklagbara"
        assert page.locator("h1").inner_text().startswith("Beslut som fortfarande kan överklagas")
        rows = page.locator("table.rows-and-columns tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).locator("td.col-paragraph").inner_text() == "KS § 30"
        assert [rows.nth(i).locator("td.col-appeal_last_day").inner_text() for i in range(2)] == [
            appeal.last_day(posted["today"]), appeal.last_day(posted["three weeks ago"])]
        source = rows.nth(0).locator("td.col-source a")  # the file, served from the archive
        assert source.inner_text() == f"ks-oj-{posted['today'].isoformat()}.txt"
        page.screenshot(path=str(ROOT / "docs" / "appeal.png"))
    assert (ROOT / "docs" / "appeal.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_case_page_follows_one_case_through_three_meetings(served, tmp_path):
    """A case (data/cases: one förskoleplan from the barn- och utbildningsnämnd through
    kommunstyrelsen to kommunfullmäktige) opened from the cases table; its page lists the
    three items in date order with working links, and is the README's docs/case.png."""
    cases_dir = Path(__file__).parent / "data" / "cases"
    db = tmp_path / "arenden.db"
    done = subprocess.run([str(Path(sys.executable).parent / "protokoll"), "ingest", str(cases_dir / "ekeby"),
                           str(cases_dir / "vasterby"), "--db", str(db), "--workers", "1", "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    browser = served[2]  # the module's browser (one Playwright per process), a server of its own
    with serving(db, archive=cases_dir) as base:
        page = browser.new_page(viewport={"width": 1200, "height": 760})
        page.goto(f"{base}/arenden/cases?organisation=Ekeby+kommun&key=KS+2025%3A112")
        with page.expect_navigation():
            page.locator("td.col-key a").first.click()
        assert "/arenden/arende/" in page.url
        assert page.locator("h1").inner_text() == "Ärende KS 2025:112"
        items = page.locator("li.case-item")
        assert [items.nth(i).locator("a.item-link").inner_text().split(" ", 3)[:3] for i in range(items.count())] == [
            ["BUN", "§", "14"], ["KS", "§", "45"], ["KF", "§", "30"]]
        assert [d.split(" · ")[0] for d in page.locator("li.case-item div.meta").all_inner_texts()] == [
            "2025-03-11", "2025-04-02", "2025-04-24"]
        assert "att anta förskoleplan 2026–2030." in items.nth(2).inner_text()
        page.screenshot(path=str(ROOT / "docs" / "case.png"))
        source = items.nth(1).locator("a.source-link")
        assert source.inner_text().startswith("KS_2025-04-02.txt, s. ")
        response = page.request.get(base + source.get_attribute("href").split("#")[0])
        assert response.status == 200 and "KS § 45" in response.text()
        with page.expect_navigation():
            items.nth(2).locator("a.item-link").click()
        assert "/arenden/items/" in page.url and page.title().startswith("KF § 30 ")
        assert "Ärende: KS 2025:112" in page.locator("ul.protokoll-upward").inner_text()
    assert (ROOT / "docs" / "case.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
