"""`protokoll serve`: Datasette with protokoll's configuration, over a real SQLite file.

The database is made with the real store (``store.open`` + ``store.save``) from three
small protocols in ``tests/data/serve_protocols.json`` (LSVO 2024-12-13 and aldras from
the samples, and a kommunstyrelse with parties, a vote, a reservation and a motion).
Every request goes through ``Datasette(...).client``: the same app ``protokoll serve`` runs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import sqlite3
import threading
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from protokoll import serve, store
from protokoll.nlp.roles import amount_roles
from protokoll.cli import cli
from protokoll.errors import UnreadableFile
from protokoll.records import Protocol, Source

DATA = Path(__file__).parent / "data" / "serve_protocols.json"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def protocols() -> list[Protocol]:
    # The stored records predate amount roles: give them theirs, as tagging does.
    return [amount_roles(Protocol.from_dict(d)) for d in json.loads(DATA.read_text(encoding="utf-8"))]


def make_db(path: Path) -> Path:
    db = store.open(path)
    for p in protocols():
        store.save(db, p)
    db.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return make_db(tmp_path_factory.mktemp("serve") / "protokoll.db")


@pytest.fixture(scope="module")
def ds(db_path):
    return serve.datasette(db_path, archive=SAMPLES)


def get(ds, path, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def rows(ds, path) -> list[dict]:
    sep = "&" if "?" in path else "?"
    r = get(ds, f"{path}{sep}_shape=array")
    assert r.status_code == 200, r.text
    return r.json()


def doc_id(db_path, name) -> str:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select id from documents where path = ?", [name]).fetchone()[0]


# --- configuration and metadata -------------------------------------------------------


def test_config_dir_ships_metadata_and_plugin():
    root = serve.config_dir()
    assert (root / "metadata.yml").is_file()
    assert (root / "plugins" / "protokoll_datasette.py").is_file()
    assert not (root / "__init__.py").exists()


def test_every_table_and_column_has_swedish_and_english_metadata(db_path):
    meta = serve.metadata(db_path)
    described = meta["databases"]["protokoll"]["tables"]
    conn = sqlite3.connect(db_path)
    names = [
        name for name, sql in conn.execute("select name, sql from sqlite_master where type in ('table', 'view')")
        if not name.startswith(("sqlite_", "_")) and "_fts" not in name
    ]
    assert "decision_register" in names and "attendance" in names
    for name in names:
        table = described.get(name)
        assert table, f"no metadata for {name}"
        assert " / " in table["title"], f"{name}: title is not Swedish / English"
        description = table.get("description") or table["description_html"]
        assert " / " in description, f"{name}: description is not Swedish / English"
        columns = [c[1] for c in conn.execute(f"pragma table_info([{name}])")]
        missing = [c for c in columns if c not in table.get("columns", {})]
        assert not missing, f"{name}: no description for {missing}"
    assert meta["license"] and meta["license_url"] and meta["source"]


def test_metadata_is_keyed_to_the_served_file(tmp_path):
    db = make_db(tmp_path / "kommun.db")
    ds = serve.datasette(db)
    data = get(ds, "/kommun/decision_register.json").json()
    assert data["table"] == "decision_register"
    html = get(ds, "/kommun/decision_register").text
    assert "Beslutsregister / decision register" in html
    assert "Sammanträdets datum" in html  # column description


def test_index_shows_titles_source_and_licence(ds):
    html = get(ds, "/").text
    assert "meeting minutes as data" in html
    assert "upphovsrättslagen 9 §" in html


# --- facets ---------------------------------------------------------------------------


def facets(ds, path) -> dict:
    data = get(ds, path).json()
    return {name: {str(v["value"]): v["count"] for v in f["results"]}
            for name, f in data["facet_results"].items()}


REGISTER_FACETS = "_facet=body&_facet_year=date&_facet=outcome&_facet=decision_kind"


def test_register_facets_body_year_kind_outcome(ds):
    html = get(ds, "/protokoll/decision_register").text
    assert REGISTER_FACETS.replace("&", "&amp;") in html  # the link in the description
    f = facets(ds, f"/protokoll/decision_register.json?_size=0&{REGISTER_FACETS}")
    assert f["body"] == {"LSVO": 5, "Kommunstyrelsen": 4, "Samverkansgrupp att åldras": 1}
    assert f["date"] == {"2024": 6, "2023": 4}  # the year facet
    assert f["outcome"] == {"decided": 8, "referred_back": 1, "noted": 1}
    assert f["decision_kind"] == {"decision": 10}


def test_year_facet_filters_by_year(ds):
    got = rows(ds, "/protokoll/decision_register.json?date__startswith=2023&_col=body")
    assert [r["body"] for r in got] == ["Kommunstyrelsen"] * 4
    data = get(ds, f"/protokoll/decision_register.json?date__startswith=2023&{REGISTER_FACETS}").json()
    selected = [v for v in data["facet_results"]["date"]["results"] if v["selected"]]
    assert [v["value"] for v in selected] == ["2023"]


def test_party_organisation_and_item_kind_facets(ds):
    f = facets(ds, "/protokoll/attendance.json?_size=0")
    assert f["party"] == {"S": 2, "M": 1, "SD": 1}
    assert f["organisation"]["Region Blekinge"] == 2
    assert facets(ds, "/protokoll/items.json?_size=0")["kind"] == {"decision": 6, "information": 1}
    mentioned = get(ds, "/protokoll/entities.json?_size=0").json()["facet_results"]["organisation_id"]["results"]
    assert [(v["label"], v["count"]) for v in mentioned] == [("Karlskrona kommun", 1)]
    assert facets(ds, "/protokoll/meetings.json?_size=0") == {
        "body": {"LSVO": 1, "Kommunstyrelsen": 1, "Samverkansgrupp att åldras": 1},
        "date": {"2024": 2, "2023": 1},
    }
    assert facets(ds, "/protokoll/decisions.json?_size=0")["outcome"] == {"decided": 5, "referred_back": 1, "noted": 1}


# --- Swedish search in the normal search box -------------------------------------------


def search(ds, table, q, column="clause") -> list[str]:
    return [r[column] for r in rows(ds, f"/protokoll/{table}.json?_search={q}&_col={column}")]


def test_search_box_finds_swedish_inflections(ds):
    assert any("budgeten" in c for c in search(ds, "decision_register", "budget"))
    assert any("avvikelsehantering" in c for c in search(ds, "decision_register", "avvikelse"))
    assert any("förskolan" in c and "förskolorna" not in c
               for c in search(ds, "decision_register", "förskolorna"))
    assert search(ds, "items", "avvikelse", "title") == ["Avvikelser i samverkan"]


def test_search_never_folds_swedish_letters(ds):
    assert search(ds, "decision_register", "for") == ["att notera informationen om Health for all"]
    assert "att notera informationen om Health for all" not in search(ds, "decision_register", "för")
    assert search(ds, "decision_register", "för")  # and "för" itself is found


def test_unsearchable_queries_show_no_rows_not_errors(ds):
    for q in ("", "a", '"', "OR"):
        r = get(ds, "/protokoll/decision_register.json", params={"_search": q})
        assert r.status_code == 200 and r.json()["rows"] == [], q
        r = get(ds, "/protokoll/sok.json", params={"q": q})
        assert r.status_code == 200 and r.json()["rows"] == [], q


def test_search_box_shows_what_was_typed(ds):
    html = get(ds, "/protokoll/decision_register?_search=förskolorna").text
    assert 'value="förskolorna"' in html
    assert "förskolan" in html


def traced(db_path, path) -> tuple[dict, list[str]]:
    """The JSON of ``path`` and every SQL statement Datasette ran for it (``?_trace=1``)."""
    ds = serve.datasette(db_path, settings={"trace_debug": True})
    data = get(ds, f"{path}&_trace=1" if "?" in path else f"{path}?_trace=1").json()
    return data, [t["sql"] for t in data["_trace"]["traces"] if "sql" in t]


@pytest.mark.parametrize("table, column", [("decision_register", "clause"), ("clauses", "text"), ("items", "text")])
def test_search_box_finds_inflections_without_counting_every_match(db_path, table, column):
    data, sql = traced(db_path, f"/protokoll/{table}.json?_search=förskolorna")
    texts = [dict(zip(data["columns"], r))[column].lower() for r in data["rows"]]
    assert texts and all("förskol" in t for t in texts)
    assert any("förskolan" in t and "förskolorna" not in t for t in texts)  # the stem found another form
    assert data["filtered_table_rows_count"] is None
    assert any("escape_fts(:search)" in s for s in sql)  # the search itself ran
    assert not [s for s in sql if s.startswith("select count(*)")]  # facets are time-limited apart


def test_a_request_can_still_ask_for_the_count(db_path):
    for asked in ("_nocount=", "_extra=count"):  # the latter is how datasette-search-all asks
        data, sql = traced(db_path, f"/protokoll/decision_register.json?_search=förskolorna&{asked}")
        assert data["filtered_table_rows_count"] == 2
        assert [s for s in sql if s.startswith("select count(*)")]


def test_register_page_never_counts_the_view(db_path):
    data, sql = traced(db_path, "/protokoll/decision_register.json")
    assert len(data["rows"]) == 10 and data["filtered_table_rows_count"] is None
    assert not [s for s in sql if s.startswith("select count(*)")]
    data, sql = traced(db_path, "/protokoll/clauses.json")  # plain tables still count
    assert data["filtered_table_rows_count"] == 10
    assert [s for s in sql if s.startswith("select count(*) from clauses")]


def local(url: str | None) -> str | None:
    """Datasette's absolute next_url as a path for ``ds.client``."""
    return url and "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_register_lists_newest_first_and_pages_through_all_hits(ds):
    everything = rows(ds, "/protokoll/decision_register.json?_col=date")
    # LSVO 2024-12-13 (5 clauses), aldras 2024-03-01 (1), KS 2023-05-10 (4): newest meeting first
    assert [r["date"] for r in everything] == ["2024-12-13"] * 5 + ["2024-03-01"] + ["2023-05-10"] * 4
    hits = [r["clause_rowid"] for r in rows(ds, "/protokoll/decision_register.json?_search=att&_col=clause_rowid")]
    assert sorted(hits) == list(range(1, 11))  # every clause starts "att"
    paged, path = [], "/protokoll/decision_register.json?_search=att&_size=4&_col=clause_rowid"
    while path:
        data = get(ds, path).json()
        paged += [dict(zip(data["columns"], r))["clause_rowid"] for r in data["rows"]]
        path = local(data["next_url"])
    assert paged == hits


def test_search_box_pages_through_a_table_without_a_count(ds, db_path):
    paged, path = [], "/protokoll/clauses.json?_search=att&_size=3"
    while path:
        data = get(ds, path).json()
        assert data["filtered_table_rows_count"] is None
        paged += [dict(zip(data["columns"], r))["id"] for r in data["rows"]]
        path = local(data["next_url"])
    with sqlite3.connect(db_path) as conn:  # every clause starts "att"; newest first
        newest = [i for (i,) in conn.execute("select id from clauses order by rowid desc")]
    assert paged == newest and len(set(paged)) == 10


def test_search_page_html_shows_hits_without_a_count(ds):
    html = get(ds, "/protokoll/decision_register?_search=förskolorna").text
    assert "förskolan" in html and "search matches" in html
    assert " rows" not in html.split("<h3>", 1)[1].split("</h3>", 1)[0]


def test_search_all_tables_page(ds):
    html = get(ds, "/-/search?q=budget").text
    assert '"table": "items"' in html and '"table": "clauses"' in html


# --- canned queries ---------------------------------------------------------------------


def test_canned_search_links_rows_to_source_and_page(ds, db_path):
    got = rows(ds, "/protokoll/sok.json?q=samverkan")
    assert {r["paragraph"] for r in got} == {"§ 98/24", "3)."}  # "Samverkansgruppen beslutar"
    html = get(ds, "/protokoll/sok?q=samverkan").text
    assert f'href="/-/source/protokoll/{doc_id(db_path, "lsvo-2024-12-13.pdf")}#page=7"' in html


def test_canned_decisions_mentioning_an_organisation(ds):
    got = rows(ds, "/protokoll/organisation.json?organisation=Karlskrona")
    assert {r["paragraph"] for r in got} == {"§ 97/24"}
    assert len(got) == 3  # every clause of the item
    got = rows(ds, "/protokoll/organisation.json?organisation=ungdomsförvaltningen")
    assert {r["paragraph"] for r in got} == {"§ 12"}  # via sent_to


def test_amounts_read_the_swedish_way_in_html(ds):
    html = get(ds, "/protokoll/belopp?threshold=1000000&body=&year=").text
    assert "12\u00a0500\u00a0000" in html and "1\u00a0476\u00a0576" in html
    assert "12500000.0" not in html


def test_canned_amounts_above_threshold_by_body_and_year(ds):
    got = rows(ds, "/protokoll/belopp.json?threshold=1000000&body=&year=")
    assert [r["amount"] for r in got] == [12500000, 4100000, 1476576]
    got = rows(ds, "/protokoll/belopp.json?threshold=1000000&body=LSVO&year=")
    assert [r["amount"] for r in got] == [1476576]
    got = rows(ds, "/protokoll/belopp.json?threshold=0&body=&year=2023")
    assert [r["amount"] for r in got] == [12500000]
    summary = rows(ds, "/protokoll/belopp_per_ar.json?threshold=200000")
    assert {(r["body"], r["year"]): (r["clauses"], r["total"]) for r in summary} == {
        ("Kommunstyrelsen", "2023"): (1, 12500000),
        ("LSVO", "2024"): (2, 1476576 + 246096),
        ("Samverkansgrupp att åldras", "2024"): (1, 4100000),
    }


def test_canned_everything_a_person_did(ds):
    what = [r["what"] for r in rows(ds, "/protokoll/person.json?person=Anna Svensson")]
    assert "närvaro / attended: present" in what
    assert "reservation / reserved against" in what
    assert any(w.startswith("yrkande / moved: att ärendet återremitteras") for w in what)
    what = [r["what"] for r in rows(ds, "/protokoll/person.json?person=Titti")]
    assert sorted(what) == ["jäv / conflict of interest", "närvaro / attended: present"]


def test_canned_decisions_in_a_date_range(ds):
    got = rows(ds, "/protokoll/beslut_per_datum.json?from_date=2024-01-01&to_date=2024-12-31")
    assert [(r["date"], r["paragraph"]) for r in got] == [
        ("2024-03-01", "3)."), ("2024-12-13", "§ 94/24"), ("2024-12-13", "§ 97/24"), ("2024-12-13", "§ 98/24"),
    ]


def test_canned_decision_register(ds):
    got = rows(ds, "/protokoll/register.json?body=LSVO&from_date=&to_date=")
    assert len(got) == 5 and {r["body"] for r in got} == {"LSVO"}
    assert rows(ds, "/protokoll/register.json?body=&from_date=2023-01-01&to_date=2023-12-31")[0]["date"] == "2023-05-10"


# --- safe defaults ----------------------------------------------------------------------


def test_pinned_plugins_are_loaded(ds):
    plugins = {p["name"]: p["version"] for p in get(ds, "/-/plugins.json").json()}
    assert plugins["datasette-search-all"] == "1.1.4"
    assert plugins["datasette-vega"] == "0.6.2"
    assert plugins["datasette-xlsx"] == "0.2.2"
    assert "protokoll_datasette.py" in plugins
    assert get(ds, "/-/versions.json").json()["datasette"]["version"] == "0.65.5"


def test_settings_are_safe_defaults(ds):
    settings = get(ds, "/-/settings.json").json()
    assert settings["sql_time_limit_ms"] == 1000
    assert settings["max_returned_rows"] == 1000
    assert settings["allow_download"] is False
    assert get(ds, "/protokoll.db").status_code == 403


def test_no_query_writes(ds, db_path):
    before = sqlite3.connect(db_path).execute("select count(*) from documents").fetchone()[0]
    for sql in ("delete from documents", "update documents set path = 'x'",
                "insert into warnings (id, document_id, message) values ('x', 'y', 'z')",
                "select 1; delete from documents", "pragma writable_schema = 1",
                "attach database ':memory:' as x"):
        r = get(ds, "/protokoll.json", params={"sql": sql})
        assert r.status_code == 400, (sql, r.status_code)
    for query in serve.metadata(db_path)["databases"]["protokoll"]["queries"].values():
        assert not query.get("write")
    for path in ("/protokoll/sok", "/protokoll", "/protokoll/documents", "/-/source/protokoll/00"):
        assert asyncio.run(ds.client.post(path, data={"sql": "delete from documents"})).status_code == 405
    after = sqlite3.connect(db_path).execute("select count(*) from documents").fetchone()[0]
    assert after == before == 3


def test_no_page_shows_server_file_paths(ds, db_path):
    for path in ("/-/databases.json", "/-/databases", "/-/metadata.json", "/-/metadata"):
        assert get(ds, path).status_code == 404, path
    for path in ("/", "/protokoll", "/protokoll/decision_register", "/-/versions.json",
                 "/-/plugins.json", "/-/settings.json", "/protokoll/sok?q=budget"):
        text = get(ds, path).text
        assert str(SAMPLES) not in text and str(db_path.parent) not in text, path


def test_sql_time_limit_stops_long_queries(ds):
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    r = get(ds, "/protokoll.json", params={"sql": sql})
    assert r.status_code == 400
    assert "too long" in r.text


def test_row_cap(ds):
    sql = "with recursive c(x) as (select 1 union all select x + 1 from c limit 5000) select x from c"
    data = get(ds, "/protokoll.json", params={"sql": sql, "_shape": "objects"}).json()
    assert len(data["rows"]) == 1000 and data["truncated"] is True


def test_sql_can_be_switched_off_for_publishing(db_path):
    ds = serve.datasette(db_path, settings={"default_allow_sql": False})
    assert get(ds, "/protokoll.json", params={"sql": "select 1"}).status_code == 403
    assert rows(ds, "/protokoll/sok.json?q=budget")  # saved queries still answer


def test_immutable_copy_serves_the_same_pages(db_path):
    ds = serve.datasette(db_path, immutable=True)
    assert get(ds, "/protokoll/clauses.json").json()["filtered_table_rows_count"] == 10
    assert rows(ds, "/protokoll/sok.json?q=förskolorna")


def test_sees_documents_saved_while_serving(tmp_path):
    path = make_db(tmp_path / "growing.db")
    ds = serve.datasette(path)
    assert get(ds, "/growing/documents.json").json()["filtered_table_rows_count"] == 3
    db = store.open(path)
    p = protocols()[2]
    store.save(db, Protocol(source=Source("ny.txt", "f" * 64, "txt"), meeting=p.meeting, items=p.items))
    assert get(ds, "/growing/documents.json").json()["filtered_table_rows_count"] == 4


def test_readers_see_only_whole_documents_while_an_import_writes(tmp_path):
    path = make_db(tmp_path / "busy.db")
    ds = serve.datasette(path)
    template = protocols()[1]  # 3 items, 4 clauses
    sql = """select (select count(*) from documents) as documents,
      (select count(*) from documents d where not exists
         (select 1 from meeting_sources s join meetings m on m.id = s.meeting_id
          where s.document_id = d.id)) as without_meeting,
      (select count(*) from (select count(c.id) as n from documents d
         join meetings m on m.document_id = d.id join items i on i.meeting_id = m.id
         join clauses c on c.item_id = i.id where d.path like 'nytt-%' group by d.id)
       where n != 4) as partial"""

    def write():
        db = store.open(path)
        for i in range(40):
            source = Source(f"nytt-{i}.docx", f"{i:064x}", "docx")
            meeting = dataclasses.replace(template.meeting, date=f"20{30 + i // 28}-01-{1 + i % 28:02d}")
            store.save(db, dataclasses.replace(template, source=source, meeting=meeting))
        db.close()

    writer = threading.Thread(target=write)
    writer.start()
    seen = []
    while writer.is_alive():
        r = get(ds, "/busy.json", params={"sql": sql, "_shape": "array"})
        assert r.status_code == 200, r.text
        seen.append(r.json()[0])
    writer.join()
    assert all(s["without_meeting"] == 0 and s["partial"] == 0 for s in seen)
    assert len({s["documents"] for s in seen}) > 1  # the reads really overlapped the writes
    assert get(ds, "/busy.json", params={"sql": sql, "_shape": "array"}).json()[0]["documents"] == 43


# --- source files -----------------------------------------------------------------------


def test_source_file_is_served_from_the_archive(ds, db_path):
    r = get(ds, f"/-/source/protokoll/{doc_id(db_path, 'lsvo-2024-12-13.pdf')}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content == (SAMPLES / "lsvo-2024-12-13.pdf").read_bytes()
    r = get(ds, f"/-/source/protokoll/{doc_id(db_path, 'aldras.txt')}")
    assert r.headers["content-type"].startswith("text/plain")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_source_not_in_archive_is_not_served(ds, db_path):
    assert get(ds, f"/-/source/protokoll/{doc_id(db_path, 'ks-2023-05-10.docx')}").status_code == 404
    assert get(ds, "/-/source/protokoll/0123456789abcdef").status_code == 404
    assert get(ds, "/-/source/protokoll/../../etc/passwd").status_code == 404
    assert get(ds, "/-/source/nosuchdb/0123456789abcdef").status_code == 404


def test_source_never_leaves_the_archive(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("hemlig")
    (archive / "link.txt").symlink_to(secret)
    (archive / "loop.txt").symlink_to(archive / "loop.txt")
    db = store.open(tmp_path / "p.db")
    p = protocols()[2]
    ids = [store.save(db, Protocol(source=Source(path, str(i) * 64, "txt"), meeting=p.meeting, items=p.items))
           for i, path in enumerate(["../secret.txt", str(secret), "link.txt", "loop.txt", "."])]
    ds = serve.datasette(tmp_path / "p.db", archive=archive)
    for i in ids:
        r = get(ds, f"/-/source/p/{i}")
        assert r.status_code == 404 and "hemlig" not in r.text


def test_without_archive_sources_are_plain_text(tmp_path, db_path):
    ds = serve.datasette(db_path)
    assert get(ds, f"/-/source/protokoll/{doc_id(db_path, 'lsvo-2024-12-13.pdf')}").status_code == 404
    html = get(ds, "/protokoll/decision_register").text
    assert "/-/source/" not in html and "lsvo-2024-12-13.pdf" in html


# --- downloads --------------------------------------------------------------------------


def test_xlsx_download_has_typed_cells(ds):
    r = get(ds, "/protokoll/decision_register.xlsx?body=LSVO&_col=date&_col=clause&_col=amount")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = list(sheet.values)
    assert values[0] == ("date", "clause", "amount")
    assert len(values) == 6
    assert 1476576 in [row[2] for row in values[1:]]


# --- the command ------------------------------------------------------------------------


def test_serve_command_refuses_a_missing_or_non_sqlite_file(tmp_path):
    r = CliRunner().invoke(cli, ["serve", str(tmp_path / "nope.db")])
    assert r.exit_code == 1 and "no such database file" in r.output
    (tmp_path / "text.db").write_text("hej")
    r = CliRunner().invoke(cli, ["serve", str(tmp_path / "text.db")])
    assert r.exit_code == 1 and "not a SQLite database" in r.output
    assert "Traceback" not in r.output


def test_serve_command_needs_an_existing_archive_directory(db_path, tmp_path):
    r = CliRunner().invoke(cli, ["serve", str(db_path), "--archive", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "does not exist" in r.output
    with pytest.raises(UnreadableFile):
        serve.datasette(db_path, archive=db_path)  # a file, not a directory


def test_serve_command_rejects_unknown_setting(db_path):
    r = CliRunner().invoke(cli, ["serve", str(db_path), "--setting", "no_such_setting", "1"])
    assert r.exit_code == 2


def test_serve_setting_is_checked_by_datasette(db_path):
    """--setting is converted by Datasette's own type (imported only when used)."""
    r = CliRunner().invoke(cli, ["serve", str(db_path), "--setting", "no_such_setting", "1"])
    assert r.exit_code == 2 and "no_such_setting" in r.output
    r = CliRunner().invoke(cli, ["serve", str(db_path), "--setting", "sql_time_limit_ms", "soon"])
    assert r.exit_code == 2


def test_commands_start_without_loading_datasette():
    import subprocess
    import sys

    code = "import sys; from protokoll.cli import cli; print('datasette' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
