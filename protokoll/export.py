"""Export the decision register (one row per clause) as CSV, .xlsx or JSON.

    >>> from protokoll import export, store
    >>> rows = export.register(store.open("protokoll.db"), body="LSVO",
    ...                        date_from="2024-01-01", date_to="2024-12-31")
    >>> Path("register.csv").write_bytes(export.to_csv(rows))            # Swedish Excel
    >>> Path("register.xlsx").write_bytes(export.to_xlsx(rows))

CSV dialects: ``excel-sv`` (default) is what Swedish Excel opens by double-click:
UTF-8 with BOM, ``;`` between fields, decimal comma, CRLF. ``rfc4180`` is for machines:
UTF-8, ``,``, decimal point, CRLF. In both, and in .xlsx, a text cell starting with
``= + - @`` (or a tab / carriage return) can never run as a formula: CSV cells get a
leading apostrophe, .xlsx cells are typed text with Excel's quote prefix. Numbers
(amounts, pages) are numbers, negative ones included.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator

from protokoll import privacy

# The exported columns, in order (names as in the decision_register view).
COLUMNS = (
    "date", "body", "paragraph", "title", "dnr", "case_key", "decision_kind", "outcome", "appeal_last_day",
    "appeal_note", "clause", "amount", "decided_amount", "amounts", "sent_to", "source", "page", "sources",
)
DIALECTS = {
    "excel-sv": {"delimiter": ";", "decimal": ",", "bom": True},
    "rfc4180": {"delimiter": ",", "decimal": ".", "bom": False},
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "Beslutsregister"


def bodies(db, body: str | None = None) -> list[str]:
    """The bodies of the stored meetings, sorted; with ``body``, those it names, compared
    without regard to case ("lsvo" names "LSVO", "äldrenämnden" names "Äldrenämnden")."""
    stored = sorted(b for (b,) in db.execute("SELECT DISTINCT body FROM meetings WHERE body IS NOT NULL"))
    if body is None:
        return stored
    want = " ".join(body.split()).casefold()
    return [b for b in stored if " ".join(b.split()).casefold() == want]


def register(db, *, body=None, date_from=None, date_to=None, mask: bool = True) -> list[dict]:
    """Rows of ``decision_register`` (only :data:`COLUMNS`), filtered by body and dates.
    With ``mask`` (the default) personal identity numbers in the text are masked
    (:func:`protokoll.privacy.mask`: "19121212-XXXX"); numbers stay numbers.

    ``body`` matches without regard to case (:func:`bodies`). Dates are ISO strings
    (YYYY-MM-DD), both ends included. Rows come in meeting date order, then as they
    stand in each protocol. ``amounts`` is a list of numbers.
    """
    rows = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM decision_register "
        "WHERE (:body IS NULL OR body IN (SELECT value FROM json_each(:bodies))) "
        "AND (:date_from IS NULL OR date >= :date_from) AND (:date_to IS NULL OR date <= :date_to) "
        f"ORDER BY {ORDER}",
        {"body": body, "bodies": json.dumps(bodies(db, body) if body is not None else []),
         "date_from": date_from, "date_to": date_to},
    ).fetchall()
    return [row(tuple(privacy.mask_value(v) for v in r) if mask else r) for r in rows]


# The order of the minutes: meeting date, body, document, then as in the protocol.
ORDER = "date, body, document_id, item_position, decision_position, clause_position"


def register_of(dbs, **filters) -> list[dict]:
    """:func:`register` of several databases (the shards of ``ingest --shard-by``) as one,
    in the order one database gives: the rows of one date and body all stand in one shard
    (a year's or a body's), so a stable sort of the shards' rows by date and body is it."""
    rows = [r for db in dbs for r in register(db, **filters)]
    rows.sort(key=lambda r: (r["date"] is not None, r["date"] or "", r["body"] is not None, r["body"] or ""))
    return rows


def row(values) -> dict:
    """One ``decision_register`` row (the values of :data:`COLUMNS`, in order) as an
    export row: ``amounts`` a list of numbers, whole amounts as ints."""
    out = dict(zip(COLUMNS, values))
    out["amounts"] = json.loads(out["amounts"]) if out["amounts"] else []
    out["amount"] = _whole(out["amount"])
    out["decided_amount"] = _whole(out["decided_amount"])
    return out


def to_csv(rows: list[dict], dialect: str = "excel-sv", *, columns=COLUMNS) -> bytes:
    """The rows as CSV bytes in one of :data:`DIALECTS` (``columns``: the register's, or
    another listing's, such as ``protokoll review``'s)."""
    return b"".join(csv_chunks(rows, dialect, columns=columns))


def csv_chunks(rows: Iterable[dict], dialect: str = "excel-sv", *, size: int = 500,
               columns=COLUMNS) -> Iterator[bytes]:
    """The rows as CSV in one of :data:`DIALECTS`, in pieces of about ``size`` rows (the
    first piece holds the BOM, if any, and the header): for streaming a large register."""
    d = DIALECTS[dialect]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=d["delimiter"], lineterminator="\r\n")
    writer.writerow(columns)
    head = ("\ufeff" if d["bom"] else "").encode()
    for n, r in enumerate(rows, start=1):
        writer.writerow([_csv_cell(r[c], d["decimal"]) for c in columns])
        if n % size == 0:
            yield head + buf.getvalue().encode("utf-8")
            head = b""
            buf.seek(0)
            buf.truncate()
    if head or buf.tell():
        yield head + buf.getvalue().encode("utf-8")


def to_json(rows: list[dict]) -> bytes:
    """The rows as a JSON array (UTF-8, not escaped)."""
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_nl(rows: list[dict]) -> bytes:
    """The rows as newline-delimited JSON."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def to_xlsx(rows: list[dict]) -> bytes:
    """The rows as an .xlsx workbook: typed date and number cells, text that is only text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(COLUMNS, start=1):
            _xlsx_cell(ws.cell(row=r, column=c), name, row[name])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_cell(cell, name: str, value) -> None:
    if value is None or value == []:
        return
    if name in ("date", "appeal_last_day"):
        cell.value = datetime.date.fromisoformat(value)
        cell.number_format = "yyyy-mm-dd"
    elif name in ("amount", "decided_amount"):
        cell.value = value
        cell.number_format = "#,##0" if isinstance(value, int) else "#,##0.00"
    elif name == "page":
        cell.value = value
    else:
        text = _amounts_text(value, ",") if name == "amounts" else str(value)
        cell.value = text
        cell.data_type = "s"  # never a formula, even when it starts with "="
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True  # stays text when edited in Excel


def _csv_cell(value, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # one amount is a number, several are text
        value = value[0] if len(value) == 1 else _amounts_text(value, decimal)
    if isinstance(value, (int, float)):
        return _number(value, decimal)
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _amounts_text(values: list, decimal: str) -> str:
    return "; ".join(_number(v, decimal) for v in values)


def _number(value, decimal: str) -> str:
    return str(_whole(value)).replace(".", decimal)


def _whole(value):
    """Whole numbers as int (600000.0 -> 600000), others unchanged."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
