"""Table cells as HTML: Swedish amounts, the register's links to row pages, person ids
and the people table's names linking to the person page, links to case pages, and source
links (``#page=N`` when the row has a page). JSON, CSV and .xlsx keep the values."""

from __future__ import annotations

from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from protokoll.web.cases import case_url
from protokoll.web.people import person_url
from protokoll.web.register import REGISTER
from protokoll.web.source import archive, page_of, source_label, source_url

# Money columns (decision_register, saved queries) shown the Swedish way: "1 476 576".
AMOUNT_COLUMNS = {"amount", "total", "largest", "decided_amount"}
# Register cells that link to their row page: column -> (table, id column).
ROW_LINKS = {"paragraph": ("items", "item_id"), "clause": ("clauses", "clause_id")}


def render_cell(row, value, column, table, database, datasette):
    """The plugin's ``render_cell``: the cell's HTML, or None for Datasette's own."""
    if column in AMOUNT_COLUMNS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return swedish_number(value)
    if (link := _case_link(row, value, column, table)) is not None:
        url = case_url(datasette, database, link)
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if table == REGISTER and column in ROW_LINKS and value:
        other, key = ROW_LINKS[column]
        if key in row.keys() and row[key]:
            url = datasette.urls.row(database, other, tilde_encode(row[key]))
            return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if column == "person_id" or (table == "people" and column == "name"):
        return _person_link(row, value, column, database, datasette)
    if column != "source" or not value:
        return None
    keys = row.keys()
    document = row["document_id"] if "document_id" in keys else None
    if not document or archive(datasette) is None:
        return None
    page = page_of(row["page"] if "page" in keys else None)
    url = source_url(datasette, database, document, page)
    label = source_label(value, page)
    return Markup(f'<a href="{escape(url)}" title="{escape(value)}">{escape(label)}</a>')


def _person_link(row, value, column, database, datasette):
    """A person id (an expanded foreign key is {"value", "label"}) or a people row's name as a
    link to the person page, labelled with the person's name."""
    if isinstance(value, dict):
        person, label = value.get("value"), value.get("label")
    elif column == "name":
        person, label = (row["id"] if "id" in row.keys() else None), value
    else:
        person, label = value, value
    if not person:
        return None
    url = person_url(datasette, database, str(person))
    return Markup(f'<a class="person" href="{escape(url)}">{escape(label or person)}</a>')


def _case_link(row, value, column, table) -> str | None:
    """The case id a cell links to: a ``cases`` row's key, a register row's
    ``case_key``, an item's ``case_id``."""
    if not value or not isinstance(value, str):
        return None
    keys = row.keys()
    if table == "cases" and column == "key" and "id" in keys:
        return row["id"]
    if (table, column) in ((REGISTER, "case_key"), ("items", "case_id"), (REGISTER, "case_id")) and "case_id" in keys:
        return row["case_id"]
    return None


def swedish_number(value: float) -> str:
    """1476576.0 → "1 476 576", 0.5 → "0,5": a no-break space groups thousands."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")
