"""Atom feeds of the register and of any search, and highlighted search results, on a real
`protokoll serve` over real files (issue 31, "Alerts and feeds").

The archive: the LSVO protocol of 2024-12-13 and the undated "Samverkansgrupp att åldras"
notes from samples/ (PDF), and tests/data/feeds/bun-2025-02-11.txt (a Barn- och
utbildningsnämnden protocol with "förskola" in its inflections and "<script>" in an item
and a clause), each imported by `protokoll load`. What the feeds must hold was worked out
by reading the documents:

* LSVO 2024-12-13 § 98/24 "Avvikelse i samverkan" (pp. 15-16) has four att-clauses; two
  say "avvikelshantering": "att godkänna definition, process och rutin för
  avvikelshantering …" (p. 15) and "att den nuvarande tillfälliga rutinen kring
  avvikelshantering …" (p. 16). "avvikelse" is also in the text of åldras' items 3) and 6),
  which decide nothing (no att-clause).
* BUN 2025-02-11 is the newest meeting: § 4 "Ny förskola i Norrvik" (two clauses, the
  second 2 500 000 kr), § 5 "Medborgarförslag om kommunens webbplats" (one clause quoting
  <script>…"förskola"…</script> and saying "förskolornas"), § 6 "Delegationsbeslut".
* LSVO has 59 clauses (tests/test_browser.py), åldras 3 (items 1), 2), 4)), BUN 4: 66.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import pypdfium2
import pytest

from protokoll.background import PROTOKOLL, serving
from protokoll.web import feeds

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURE = ROOT / "tests" / "data" / "feeds" / "bun-2025-02-11.txt"
LOMMA = ROOT.parent / "shared" / "corpus" / "lomma"
A = "{http://www.w3.org/2005/Atom}"
BUN = "Barn- och utbildningsnämnden"


def load(archive: Path, db: Path) -> None:
    r = subprocess.run([PROTOKOLL, "load", *map(str, sorted(archive.iterdir())), "--db", str(db), "-s"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("feeds")
    archive = root / "arkiv"
    archive.mkdir()
    for path in (SAMPLES / "lsvo-2024-12-13.pdf", SAMPLES / "aldras.pdf", FIXTURE):
        shutil.copy(path, archive / path.name)
    db = root / "protokoll.db"
    load(archive, db)
    with serving(db, archive=archive) as base:
        yield base, db, archive


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.status, r.headers.get("content-type", ""), r.read()


def feed(base: str, path: str) -> dict:
    """A feed fetched and parsed as Atom, checked for what every Atom feed must have."""
    status, content_type, body = fetch(base + path)
    assert status == 200 and "xml" in content_type
    root = ET.fromstring(body)
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert root.find(f"{A}{name}") is not None and root.find(f"{A}{name}").text
    entries = []
    for e in root.findall(f"{A}entry"):
        entry = {name: e.find(f"{A}{name}").text for name in ("id", "title", "updated", "content")}
        entry["link"] = e.find(f"{A}link").get("href")
        entry["author"] = e.findtext(f"{A}author/{A}name")
        assert entry["id"].startswith("tag:protokoll,2026:clause:")
        assert datetime.fromisoformat(entry["updated"]).tzinfo is not None
        assert urlparse(entry["link"]).scheme == "http" and urlparse(entry["link"]).netloc  # absolute
        entries.append(entry)
    assert len({e["id"] for e in entries}) == len(entries)  # ids unique
    # RFC 4287 4.1.1: a feed names an author, or each of its entries does
    assert root.find(f"{A}author/{A}name") is not None or entries and all(e["author"] for e in entries)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    return {"title": root.find(f"{A}title").text, "entries": entries, "links": links}


def register(db: Path, where: str = "1", params=()) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(
            f"select * from decision_register where {where} "
            "order by date desc, body, meeting_id, item_position, decision_position, clause_position", params)]


def clause_ids(entries) -> list[str]:
    return [e["id"].rsplit(":", 1)[1] for e in entries]


def source_link(entry) -> str:
    return re.search(r'Källa / source: <a href="([^"]+)"', entry["content"])[1]


# --- the register feed ------------------------------------------------------------------


def test_feed_queries_are_canned_queries_with_a_tag_id_and_a_limit(server):
    """The two queries as metadata.yml gives them (what protokoll.web.feeds documents), and
    their HTML pages offer the .atom format."""
    base, _, _ = server
    _, _, body = fetch(f"{base}/protokoll.json")
    queries = {q["name"]: q for q in json.loads(body)["queries"]}
    for name in feeds.FEEDS:
        sql = queries[name]["sql"]
        assert f"'{feeds.TAG}' || r.clause_id as atom_id" in sql
        assert sql.rstrip().endswith(f"limit {feeds.LIMIT}")
        status, _, html = fetch(f"{base}/protokoll/{name}?q=medel")
        assert status == 200 and f'href="/protokoll/{name}.atom?q=medel"' in html.decode()


def test_register_feed_lists_the_newest_decisions_first(server):
    base, db, _ = server
    f = feed(base, "/protokoll/nya_beslut.atom")
    entries = f["entries"]
    assert len(entries) == 59 + 3 + 4
    assert f["title"] == "Nya beslut / new decisions"
    assert f["links"]["self"] == f"{base}/protokoll/nya_beslut.atom"
    assert f["links"]["alternate"] == f"{base}/protokoll/decision_register"
    # BUN 2025-02-11 first, in the order of its minutes; then LSVO; the undated åldras last
    assert [e["title"] for e in entries[:4]] == [
        f"2025-02-11 {BUN} § 4 Ny förskola i Norrvik", f"2025-02-11 {BUN} § 4 Ny förskola i Norrvik",
        f"2025-02-11 {BUN} § 5 Medborgarförslag om kommunens webbplats", f"2025-02-11 {BUN} § 6 Delegationsbeslut"]
    assert entries[0]["updated"] == "2025-02-11T00:00:00+00:00"
    assert entries[0]["author"] == BUN
    assert entries[4]["title"] == "2024-12-13 LSVO § 94/24 Val av justerare samt tid för justering"
    assert [e["title"] for e in entries[-3:]] == [
        "odaterat / undated Samverkansgruppen 1). Godkännande av dagordningen",
        "odaterat / undated Samverkansgruppen 2). Föregående sammanträdesprotokoll",
        "odaterat / undated Samverkansgruppen 4). Trygg och säker in-och utskrivning"]
    assert clause_ids(entries) == [r["clause_id"] for r in register(db)]
    # content: the clause and its amount
    assert "att avsätta 2 500 000 kr för inventarier till förskolan" in entries[1]["content"]
    assert "Belopp / amount: 2\u00a0500\u00a0000 kr" in entries[1]["content"]
    assert "Belopp" not in entries[0]["content"]


def test_register_feed_for_one_body(server):
    base, db, _ = server
    f = feed(base, "/protokoll/nya_beslut.atom?body=LSVO")
    assert len(f["entries"]) == 59
    assert all(e["title"].startswith("2024-12-13 LSVO § ") for e in f["entries"])
    assert f["title"] == "Nya beslut / new decisions – LSVO"
    assert clause_ids(f["entries"]) == [r["clause_id"] for r in register(db, "body = 'LSVO'")]
    assert feed(base, "/protokoll/nya_beslut.atom?body=" + quote("Kommunfullmäktige"))["entries"] == []


def test_register_feed_of_a_search_has_the_clauses_the_register_search_finds(server):
    """"avvikelse" in the register's search box: the two clauses of § 98/24 that say
    "avvikelshantering" (stemmed: "avvikel"), in the feed as on the page."""
    base, _, _ = server
    status, _, body = fetch(f"{base}/protokoll/decision_register.json?_search=avvikelse&_shape=array")
    page = {r["clause_id"] for r in json.loads(body)}
    f = feed(base, "/protokoll/nya_beslut.atom?q=avvikelse")
    assert set(clause_ids(f["entries"])) == page and len(page) == 2
    assert [e["content"].split("</p>")[0] for e in f["entries"]] == [
        "<p>att godkänna definition, process och rutin för avvikelshantering i samverkan som underlag "
        "kravspecifikation vid regionens upphandling",
        "<p>att den nuvarande tillfälliga rutinen kring avvikelshantering i samverkan ska gälla tills "
        "regionens nya avvikelshanteringssystem är implementerat"]
    assert f["title"] == "Nya beslut / new decisions – «avvikelse»"
    assert f["links"]["alternate"] == f"{base}/protokoll/decision_register?_search=avvikelse"


# --- the search feed --------------------------------------------------------------------


def test_search_feed_has_the_decisions_of_the_items_the_search_finds(server):
    """"avvikelse" on the search page: åldras 3) and 6) (no decisions) and § 98/24, whose
    four clauses are the feed."""
    base, db, _ = server
    _, _, body = fetch(f"{base}/protokoll/sok.json?q=avvikelse&size=100")
    items = {h["item_id"] for h in json.loads(body)["rows"]}
    assert len(items) == 3
    expected = [r["clause_id"] for r in register(db) if r["item_id"] in items]
    f = feed(base, "/protokoll/bevakning.atom?q=avvikelse")
    assert clause_ids(f["entries"]) == expected and len(expected) == 4
    assert {e["title"] for e in f["entries"]} == {"2024-12-13 LSVO § 98/24 Avvikelse i samverkan"}
    assert f["title"] == "Bevakning / alert – «avvikelse»"
    assert f["links"]["alternate"] == f"{base}/protokoll/sok?q=avvikelse"


def test_search_feed_finds_inflections_and_escapes_html(server):
    """"förskola" finds "förskolan" (§ 4) and "förskolornas" (§ 5); the clause quoting
    <script> is text in the feed's HTML, never a tag."""
    base, _, _ = server
    f = feed(base, "/protokoll/bevakning.atom?q=" + quote("förskola"))
    assert [e["title"].split(" ", 1)[1] for e in f["entries"]] == [
        f"{BUN} § 4 Ny förskola i Norrvik", f"{BUN} § 4 Ny förskola i Norrvik",
        f"{BUN} § 5 Medborgarförslag om kommunens webbplats"]
    script = f["entries"][2]["content"]
    assert "<script" not in script and "&lt;script&gt;alert(" in script
    assert feed(base, "/protokoll/bevakning.atom?q=" + quote("förskola") + "&body=LSVO")["entries"] == []


def test_a_search_nothing_matches_is_an_empty_valid_feed(server):
    base, _, _ = server
    f = feed(base, "/protokoll/bevakning.atom?q=laddstolpar")
    assert f["entries"] == [] and f["title"] == "Bevakning / alert – «laddstolpar»"
    assert feed(base, "/protokoll/bevakning.atom")["entries"] == []


def test_feed_links_lead_to_the_decision_and_its_source_page(server):
    """Each entry links the clause's row page and the source file at the clause's page:
    the page of the PDF whose text holds the clause (read here with pypdfium2)."""
    base, db, archive = server
    f = feed(base, "/protokoll/nya_beslut.atom?q=avvikelse")
    pdf = pypdfium2.PdfDocument(archive / "lsvo-2024-12-13.pdf")
    pages = []
    for e in f["entries"]:
        status, _, html = fetch(e["link"])
        assert status == 200 and "§ 98/24 Avvikelse i samverkan" in html.decode()
        url = source_link(e)
        status, content_type, data = fetch(url.split("#")[0])
        assert status == 200 and content_type == "application/pdf"
        assert data == (archive / "lsvo-2024-12-13.pdf").read_bytes()
        page = int(url.split("#page=")[1])
        text = " ".join(pdf[page - 1].get_textpage().get_text_range().split())
        clause = re.sub(r"<[^>]+>", "", e["content"].split("</p>")[0])
        assert " ".join(clause.split()[:8]) in text
        pages.append(page)
    assert pages == [15, 16]


# --- highlighted snippets ---------------------------------------------------------------


def test_search_page_marks_stemmed_matches_and_escapes_html(server):
    base, _, _ = server
    _, _, body = fetch(f"{base}/protokoll/sok?q=" + quote("förskola"))
    html = body.decode()
    marked = re.findall(r"<mark>(.*?)</mark>", html)
    assert {"förskola", "förskolan", "förskolornas"} <= set(marked)
    assert "<script>alert" not in html
    # § 5's clause, as text, its word marked inside the quoted tag
    assert "&lt;script&gt;alert(&#34;<mark>förskola</mark>&#34;)&lt;/script&gt; på <mark>förskolornas</mark>" in html


def test_searched_register_marks_the_clauses(server):
    """The register searched for "förskola" (plain: newest first from the index; and with a
    body filter: Datasette's own search): each clause with its matched words marked."""
    base, _, _ = server
    for query in ({"_search": "förskola"}, {"_search": "förskola", "body": BUN}):
        _, _, body = fetch(f"{base}/protokoll/decision_register?{urlencode(query)}")
        html = body.decode()
        cells = re.findall(r'<td class="col-clause">(.*?)</td>', html, re.S)
        assert len(cells) == 3
        assert all(re.match(r'<a href="/protokoll/clauses/[0-9a-f]+">', c) for c in cells)
        marked = [m for c in cells for m in re.findall(r"<mark>(.*?)</mark>", c)]
        assert sorted(marked) == sorted(["förskolan", "förskolan", "förskola", "förskolornas"])
        assert "<script>alert" not in html and "&lt;script&gt;alert(&#34;<mark>förskola</mark>&#34;)" in html
    _, _, body = fetch(f"{base}/protokoll/decision_register")
    assert "<mark>" not in body.decode()  # no search, nothing marked


# --- the pages link their feeds ---------------------------------------------------------


def alternate_and_visible(html: str) -> tuple[str, str]:
    head = re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', html)
    visible = re.search(r'<a class="protokoll-feed" href="([^"]+)"[^>]*>Prenumerera / subscribe \(Atom\)</a>', html)
    assert head and visible
    return head[1].replace("&amp;", "&"), visible[1].replace("&amp;", "&")


def test_register_and_search_pages_link_their_feeds(server):
    base, _, _ = server
    _, _, body = fetch(f"{base}/protokoll/decision_register?body=LSVO&_search=avvikelse")
    head, visible = alternate_and_visible(body.decode())
    assert head == visible == "/protokoll/nya_beslut.atom?body=LSVO&q=avvikelse"
    assert len(feed(base, head)["entries"]) == 2
    _, _, body = fetch(f"{base}/protokoll/decision_register")
    assert alternate_and_visible(body.decode()) == ("/protokoll/nya_beslut.atom",) * 2
    _, _, body = fetch(f"{base}/protokoll/sok?q=" + quote("förskola"))
    head, visible = alternate_and_visible(body.decode())
    assert head == visible == "/protokoll/bevakning.atom?q=f%C3%B6rskola"
    assert len(feed(base, head)["entries"]) == 3
    _, _, body = fetch(f"{base}/protokoll/sok")  # no search yet: nothing to subscribe to
    assert "application/atom+xml" not in body.decode()


# --- a larger archive: the Lomma corpus -------------------------------------------------


@pytest.fixture(scope="module")
def lomma(tmp_path_factory):
    if not LOMMA.is_dir():
        pytest.skip("the corpus (../shared/corpus/lomma) is not here")
    root = tmp_path_factory.mktemp("lomma")
    archive = root / "lomma"
    shutil.copytree(LOMMA, archive, ignore=shutil.ignore_patterns("*.md"))
    db = root / "protokoll.db"
    load(archive, db)
    with serving(db, archive=archive) as base:
        yield base, db


def test_lomma_feeds_stop_at_100_newest_first(lomma):
    """420 clauses in 23 Lomma protocols: the feed is the newest 100, the first that of
    Kultur- och fritidsnämnden 2025-05-19, whose first item is "KFN § 20 Godkännande av
    deltagande" (KFN_2025-05-19.txt: "Paragrafer: § 20-§ 30")."""
    base, db = lomma
    entries = feed(base, "/protokoll/nya_beslut.atom")["entries"]
    assert len(register(db)) == 420 and len(entries) == 100
    assert clause_ids(entries) == [r["clause_id"] for r in register(db)][:100]
    assert entries[0]["title"] == "2025-05-19 Kultur- och fritidsnämnden KFN § 20 Godkännande av deltagande"
    dates = [e["updated"] for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_lomma_search_feed_for_forskola_is_the_search_pages_items(lomma):
    base, db = lomma
    _, _, body = fetch(f"{base}/protokoll/sok.json?q=" + quote("förskola") + "&size=100")
    found = json.loads(body)
    assert found["count"] == len(found["rows"])  # every hit on one page
    items = {h["item_id"] for h in found["rows"]}
    expected = [r["clause_id"] for r in register(db) if r["item_id"] in items]
    assert len(expected) == 63  # under the feed's limit of 100
    for body_name in ("", BUN):
        f = feed(base, "/protokoll/bevakning.atom?" + urlencode({"q": "förskola", "body": body_name}))
        want = [c for c in expected if not body_name or c in {r["clause_id"] for r in register(
            db, "body = ?", [body_name])}]
        assert clause_ids(f["entries"]) == want


def test_a_hostile_search_stays_text_in_pages_and_feeds(server):
    base, _, _ = server
    q = '"><script>alert(1)</script>'
    for path in (f"/protokoll/sok?{urlencode({'q': q})}", f"/protokoll/decision_register?{urlencode({'_search': q})}"):
        _, _, body = fetch(base + path)
        assert "<script>alert(1)" not in body.decode()
    for name in feeds.FEEDS:
        f = feed(base, f"/protokoll/{name}.atom?{urlencode({'q': q})}")
        assert f["title"].endswith(f"«{q}»")  # the search as text in the feed's title


def test_lomma_search_feed_over_100_clauses_is_the_newest_100_of_the_search(lomma):
    """A word in most Lomma items ("kommun"): more than 100 of the matched items' clauses, so
    the feed query bounds the items by the date at which the newest of them hold 100 clauses
    (metadata.yml, bevakning); its entries must be exactly the newest 100 of all the matched
    items' clauses, in the register's order, for all bodies and for one."""
    base, db = lomma
    items, page = set(), 1
    while True:
        _, _, body = fetch(f"{base}/protokoll/sok.json?q=kommun&size=100&page={page}")
        found = json.loads(body)
        items |= {h["item_id"] for h in found["rows"]}
        if len(items) >= found["count"] or not found["rows"]:
            break
        page += 1
    assert len(items) == found["count"]
    for body_name in ("", "Kommunfullmäktige"):
        rows = register(db, "body = ?", [body_name]) if body_name else register(db)
        expected = [r["clause_id"] for r in rows if r["item_id"] in items]
        assert len(expected) > 100
        f = feed(base, "/protokoll/bevakning.atom?" + urlencode({"q": "kommun", "body": body_name}))
        assert clause_ids(f["entries"]) == expected[:100], body_name
