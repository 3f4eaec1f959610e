"""Issue 28, the Datasette pages: the register page, row pages, the search page, the home
page and the register's CSV output format.

A real database: the sample protocols lsvo-2024-12-13.pdf and aldras.pdf imported with
`protokoll load` (the pipeline, tagging included), served by the real Datasette app of
`protokoll serve` through ``ds.client``. The CSV test saves real Protocol records
(tests/data/serve_protocols.json) over and over, under other file names, into a database
of more than 1,000 register rows.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import html
import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from protokoll import serve, store
from test_serve import protocols

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
PROTOKOLL = Path(sys.executable).parent / "protokoll"

# What a registrar reads, in order (protokoll.web.REGISTER_COLUMNS without the columns the
# view does not have yet: decided_amount, sources).
LABELS = ["Datum", "Organ", "§", "Ärende", "Diarienummer", "Beslut / att-sats", "Belopp som beslutas",
          "Belopp i satsen", "Utfall", "Sista dag att överklaga", "Källa med sida", "Alla källfiler"]
IDS = ("document_id", "meeting_id", "item_id", "decision_id", "clause_id", "clause_rowid", "item_position",
       "decision_position", "clause_position", "case_id")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("web") / "protokoll.db"
    subprocess.run([str(PROTOKOLL), "load", "samples/lsvo-2024-12-13.pdf", "samples/aldras.pdf",
                    "--db", str(path), "--silent"], cwd=ROOT, check=True)
    return path


@pytest.fixture(scope="module")
def ds(db_path):
    return serve.datasette(db_path, archive=SAMPLES)


def get(ds, path, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def sql(db_path, query, *args):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(query, args).fetchall()


def headers(page: str) -> list[str]:
    table = page.split('<table class="rows-and-columns protokoll-register">', 1)[1].split("</thead>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>|&nbsp;[▼▲]", "", h)).strip()
            for h in re.findall(r"<th\b[^>]*>(.*?)</th>", table, re.S)]


# --- home and register page -----------------------------------------------------------


def test_register_is_the_first_link_on_the_home_page(ds):
    page = get(ds, "/").text
    content = page.split('<section class="content">', 1)[1]
    assert re.search(r'<a href="([^"]+)"', content)[1] == "/protokoll/decision_register"
    assert 'action="/protokoll/sok"' in content  # the home page's search box leads to the search page


def test_home_page_links_the_pages_users_come_back_for_and_each_works(ds):
    """Issue 31: the home page links the decisions still open to appeal, the cases, the
    people and the feed of new decisions, and every link of its list answers 200."""
    content = get(ds, "/").text.split('<ul class="protokoll-home">', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="([^"]+)"', content)
    assert links == ["/protokoll/decision_register", "/protokoll/sok", "/protokoll/overklagbara",
                     "/protokoll/cases", "/protokoll/people", "/protokoll/documents_to_check",
                     "/protokoll/nya_beslut.atom"]
    for link in links:
        assert get(ds, link).status_code == 200, link
    assert get(ds, "/protokoll/nya_beslut.atom").text.lstrip().startswith("<?xml")


def test_register_page_shows_a_registrars_columns_with_swedish_labels(ds):
    page = get(ds, "/protokoll/decision_register").text
    assert headers(page) == LABELS
    body = page.split('class="rows-and-columns protokoll-register"', 1)[1].split("</table>", 1)[0]
    for column in IDS + ("dnr", "decided_by", "amounts"):
        assert f"col-{column}" not in body, column
    assert not re.search(r">[0-9a-f]{16,}<", body)  # no hex id shown as a cell


def test_register_page_lists_the_newest_meeting_first_and_undated_last(ds, db_path):
    rows = get(ds, "/protokoll/decision_register.json?_shape=array&_size=max&_col=date&_col=paragraph"
                   "&_col=item_position&_col=decision_position&_col=clause_position").json()
    # LSVO 2024-12-13 (pdf) has 59 clauses, aldras (no date in the protocol) 3: 62 rows.
    # The counts from the stored records, which the view does not decide:
    clauses = sql(db_path, "select m.date, count(*) from clauses c join items i on i.id = c.item_id "
                           "join meetings m on m.id = i.meeting_id group by m.date order by m.date desc")
    assert clauses == [("2024-12-13", 59), (None, 3)]
    assert [r["date"] for r in rows] == ["2024-12-13"] * 59 + [None] * 3
    lsvo = [(r["paragraph"], r["clause_position"]) for r in rows[:59]]
    assert lsvo[:3] == [("§ 94/24", 0), ("§ 94/24", 1), ("§ 95/24", 0)]  # as in the minutes
    positions = [(r["item_position"], r["decision_position"], r["clause_position"]) for r in rows[:59]]
    assert positions == sorted(positions)


def test_register_cells_link_to_the_item_and_clause_pages(ds, db_path):
    page = get(ds, "/protokoll/decision_register?paragraph=§ 98/24").text
    item, clause = sql(db_path, "select item_id, clause_id from decision_register where paragraph = '§ 98/24'")[0]
    assert f'<a href="/protokoll/items/{item}">§ 98/24</a>' in page
    assert f'<a href="/protokoll/clauses/{clause}">att ' in page


# --- row pages ------------------------------------------------------------------------


def upward_links(page: str) -> dict[str, tuple[str, str]]:
    found = page.split('<ul class="protokoll-upward">', 1)[1].split("</ul>", 1)[0]
    return {label: (href, html.unescape(text)) for label, href, text in
            re.findall(r'<li[^>]*>(\w+): <a href="([^"]+)">([^<]*)</a>', found)}


def test_clause_page_links_up_to_decision_item_meeting_and_source_page(ds, db_path):
    # § 94/24 "Val av justerare": its heading on page 2 of lsvo-2024-12-13.pdf, its clauses
    # ("1. Att utse André Jönsson …") at the top of page 3 (pdftotext -f 3 -l 3).
    clause, decision, item, document = sql(
        db_path, "select clause_id, decision_id, item_id, document_id from decision_register "
                 "where paragraph = '§ 94/24' and clause_position = 0")[0]
    meeting = sql(db_path, "select meeting_id from items where id = ?", item)[0][0]
    page = get(ds, f"/protokoll/clauses/{clause}").text
    assert "<title>§ 94/24 Val av justerare samt tid för justering: att-sats 1" in page
    assert clause not in page.split("<h1", 1)[1].split("</h1>", 1)[0]
    links = upward_links(page)
    assert links["Beslut"][0] == f"/protokoll/decisions/{decision}"
    assert links["Paragraf"] == (f"/protokoll/items/{item}", "§ 94/24 Val av justerare samt tid för justering")
    assert links["Sammanträde"] == (f"/protokoll/meetings/{meeting}", "LSVO 2024-12-13")
    assert links["Källa"] == (f"/-/source/protokoll/{document}#page=3", "lsvo-2024-12-13.pdf, s. 3")


def test_decision_item_and_meeting_pages_are_titled_and_link_up(ds, db_path):
    decision, item = sql(db_path, "select decision_id, item_id from decision_register where paragraph = '§ 98/24'")[0]
    meeting = sql(db_path, "select meeting_id from items where id = ?", item)[0][0]
    page = get(ds, f"/protokoll/decisions/{decision}").text
    assert set(upward_links(page)) == {"Paragraf", "Sammanträde", "Källa"}
    page = get(ds, f"/protokoll/items/{item}").text
    assert re.search(r"<title>§ 98/24 [^<–]+ – items</title>", page)
    assert upward_links(page)["Sammanträde"][0] == f"/protokoll/meetings/{meeting}"
    assert '<table class="rows-and-columns protokoll-row">' in page  # read downwards
    assert re.search(r'<th scope="row">title<small>Rubrik / title</small></th>\s*<td class="col-title">[^<]+</td>', page)
    page = get(ds, f"/protokoll/meetings/{meeting}").text
    assert "<title>LSVO 2024-12-13 – meetings</title>" in page
    # items are labelled by their title where other rows point at them (label_column)
    title = sql(db_path, "select title from items where id = ?", item)[0][0]
    page = get(ds, f"/protokoll/clauses?item_id={item}").text
    assert f'<a href="/protokoll/items/{item}">{html.escape(title, quote=False)}</a>' in page


# --- search page ----------------------------------------------------------------------


def item_texts(db_path) -> list[tuple[str, str]]:
    return [(t or "", x or "") for t, x in sql(db_path, "select title, text from items")]


def test_search_finds_items_without_a_decision(ds, db_path):
    # § 105/24 "Övriga frågor" of the LSVO protocol decides nothing (no decision block).
    assert sql(db_path, "select count(*) from decisions d join items i on i.id = d.item_id "
                        "where i.label = '§ 105/24'") == [(0,)]
    hits = get(ds, "/protokoll/sok.json?q=övriga frågor").json()
    assert "§ 105/24" in [h["paragraph"] for h in hits["rows"]]
    page = get(ds, "/protokoll/sok?q=övriga frågor").text
    assert "§ 105/24 <mark>Övriga</mark> <mark>frågor</mark>" in page  # the title, marked


def test_search_counts_the_hits_and_pages_through_them(ds, db_path):
    # Every item whose title or text holds "medel" (the stem of "medel", "medlen" is "medel";
    # trigram search finds it inside "hjälpmedel" too): counted here over the stored text.
    expected = sum("medel" in (t + " " + x).lower() for t, x in item_texts(db_path))
    assert expected > 5
    first = get(ds, "/protokoll/sok.json?q=medel").json()
    assert first["count"] == expected
    for hit in first["rows"]:  # the match is in the snippet of the text, or in the title
        assert "medel" in (hit["snippet"] + (hit["title"] or "")).lower() and "\x02" not in hit["snippet"]
    found, page = [], 1
    while True:
        data = get(ds, f"/protokoll/sok.json?q=medel&page={page}").json()
        found += [h["item_id"] for h in data["rows"]]
        if page == data["pages"]:
            break
        page += 1
    assert len(found) == len(set(found)) == expected
    # 'att' is in nearly every item: more than one page of 20 would need a bigger archive,
    # so pages of 5 here (the 20 items of the two protocols, 12 + 8).
    common = get(ds, "/protokoll/sok?q=att&size=5").text
    total = sum("att" in (t + " " + x).lower() for t, x in item_texts(db_path))
    assert total > 5 and f"{total} träffar / hits" in common
    assert f"sida 1 av {-(-total // 5)}" in common
    assert 'rel="next" href="/protokoll/sok?q=att&amp;size=5&amp;page=2"' in common
    second = get(ds, "/protokoll/sok?q=att&size=5&page=2").text
    assert 'rel="prev"' in second and "sida 2 av" in second


def test_search_marks_the_matched_words(ds):
    # "avvikelse" (stem "avvikels") is found inside "avvikelshantering", as the LSVO minutes
    # spell it in § 103/24: the whole word is marked
    page = get(ds, "/protokoll/sok?q=avvikelse").text
    assert "<mark>avvikelshantering</mark>" in page
    page = get(ds, "/protokoll/sok?q=<b>budget").text
    assert "<b>" not in page and "&lt;b&gt;budget" in page  # what was typed is escaped


def test_search_hits_read_as_title_date_body_snippet_and_link(ds):
    page = get(ds, "/protokoll/sok?q=avvikelse").text
    hits = page.split('<ol class="protokoll-hits"', 1)[1].split("</ol>", 1)[0].split("</li>")
    hit = next(h for h in hits if "2024-12-13 · LSVO" in h)
    assert re.search(r'<a class="hit-title" href="/protokoll/items/[0-9a-f]+"><strong>§ \d+/24 ', hit)
    assert "2024-12-13 · LSVO" in hit and "<mark>" in hit
    assert re.search(r'href="/-/source/protokoll/[0-9a-f]+#page=\d+">lsvo-2024-12-13.pdf, s. \d+</a>', hit)


def test_unsearchable_queries_show_no_hits(ds):
    for q in ("", "a", '"', "OR"):
        r = get(ds, "/protokoll/sok.json", params={"q": q})
        assert r.status_code == 200 and r.json()["rows"] == [] and r.json()["count"] == 0, q


# --- the register as CSV --------------------------------------------------------------

COPIES = 110


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> tuple[Path, int]:
    """The three protocols of serve_protocols.json saved COPIES times under other names;
    one copy with an amount of 2 500,5 kr and a title that starts like a formula."""
    path = tmp_path_factory.mktemp("webcsv") / "protokoll.db"
    db = store.open(path)
    base = protocols()
    per_copy = sum(len(d.clauses) for p in base for i in p.items for d in i.decisions)
    # LSVO: § 94 1 + § 97 3 + § 98 1; KS: § 12 2 + § 13 1 + § 14 1; aldras: 3). 1 → 10
    assert per_copy == 10
    for n in range(COPIES):
        for p in base:
            if n == 0 and p.items[0].label == "§ 94/24":
                entities = tuple(dataclasses.replace(e, value=2500.5) if e.value == 246096 else e
                                 for e in p.entities)
                items = (dataclasses.replace(p.items[0], title="=HYPERLINK(\"http://x\")"),) + p.items[1:]
                p = dataclasses.replace(p, entities=entities, items=items)
            source = dataclasses.replace(p.source, path=f"copy{n}-{p.source.path}",
                                         sha256=f"{n:04d}{p.source.sha256[4:]}")
            # another meeting each time (the same meeting in 110 files would be one meeting)
            meeting = dataclasses.replace(p.meeting, date=f"{1900 + n}-01-01" if n else p.meeting.date)
            store.save(db, dataclasses.replace(p, source=source, meeting=meeting))
    db.close()
    return path, per_copy * COPIES


def test_register_csv_link_gives_the_whole_register_for_swedish_excel(big_db):
    path, total = big_db
    ds = serve.datasette(path)
    page = get(ds, "/protokoll/decision_register").text
    link = html.unescape(re.search(r'<a class="protokoll-csv" href="([^"]+)"', page)[1])
    assert link == "/protokoll/decision_register.csv_excel"
    assert re.search(f'<a href="{link}[^"]*">csv_excel</a>', page)  # also among "This data as"
    r = get(ds, link)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="beslutsregister.csv"' in r.headers["content-disposition"]
    data = r.content
    assert data.startswith(b"\xef\xbb\xbf")  # BOM
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8")), delimiter=";"))
    assert rows[0][:3] == ["date", "body", "paragraph"]
    assert len(rows) - 1 == total == 1100  # 10 register rows per copy, 110 copies: > 1,000
    header = rows[0]
    amounts = [r[header.index("amount")] for r in rows[1:]]
    # the copy's § 97/24: 1 476 576 kr, and 2 500,5 kr six times in one clause (246 096 → 2500.5)
    assert "1476576" in amounts and any("," in a for a in amounts)
    assert "'=HYPERLINK(\"http://x\")" in [r[header.index("title")] for r in rows[1:]]
    assert not [r for r in rows[1:] if r[header.index("title")].startswith("=")]


def test_register_csv_keeps_the_pages_filters(big_db):
    path, total = big_db
    ds = serve.datasette(path)
    page = get(ds, "/protokoll/decision_register?body=LSVO&_search=rekvireras").text
    link = html.unescape(re.search(r'<a class="protokoll-csv" href="([^"]+)"', page)[1])
    rows = get(ds, link).content.decode("utf-8-sig").splitlines()
    # § 97/24's clause "att 246 096 kr rekvireras …" is one LSVO clause per copy.
    expected = sum("rekvirer" in c.lower() for p in protocols() for i in p.items for d in i.decisions
                   for c in d.clauses if p.meeting.body == "LSVO") * COPIES
    assert expected >= COPIES and len(rows) - 1 == expected
