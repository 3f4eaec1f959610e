"""What to look at before publishing a database: ``protokoll review DB``.

    >>> from protokoll import review, store
    >>> rows = review.review(store.open_read("protokoll.db"), database="protokoll")
    >>> [(r["paragraph"], r["reason"]) for r in rows]
    [('§ 41', 'personnummer'), ('§ 41', 'private individual'), ('§ 41', 'confidential matter'), …]

One row per item and reason, in the order of the minutes (meeting date, body, item):

* ``personnummer``: the item's title, Dnr, notes or text holds a personnummer or
  samordningsnummer (:mod:`protokoll.privacy`, check digit validated); the detail lists
  them masked, so the listing itself can be shared.
* ``private individual``: people tagged in the item's text (PER entities) who are
  neither in that meeting's attendance nor anyone the database knows as a member or an
  official: in the attendance of any meeting, reserving or declaring jäv anywhere, or
  presenting an item. Matched by canonical person id, and by name (case and spacing
  aside). Nor is anyone the text itself makes a politician or an official: a name
  followed by a party ("Anders Nilsson (C)"), or with a title or role beside it
  ("projektledare Johanna Törning", "Johanna Törning, projektledare"); nor a first name
  alone that begins a full name of the item or a known person ("Mats" of "Mats
  Wennstig"). A resident proposing a medborgarförslag, an applicant, a neighbour in a
  planning matter: names a publisher may have to leave out.
* ``confidential matter``: the item's title or text names a matter that the law
  typically keeps confidential (individärenden in socialtjänst, skola, LSS;
  :data:`protokoll.swedish.privacy.CONFIDENTIAL_TERMS`); the detail names each rule and
  the words that matched.

Each row says where: date, body, § (as written), title, the item's id and its Datasette
path (``/<database>/items/<id>``), the source file and the item's page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from protokoll import privacy
from protokoll.swedish.names import MEMBER_TITLES, PARTIES, ROLE_SUFFIXES, ROLE_WORDS, ROLES
from protokoll.swedish.privacy import CONFIDENTIAL_TERMS

COLUMNS = ("date", "body", "paragraph", "title", "reason", "detail", "link", "source", "page")
REASONS = ("personnummer", "private individual", "confidential matter")
_TERMS = [(rule, re.compile(pattern, re.IGNORECASE)) for rule, pattern in CONFIDENTIAL_TERMS]
_PARTY_AFTER = re.compile(rf"\s*\((?:{'|'.join(sorted(PARTIES, key=len, reverse=True))})\)")
_ROLE_WORDS = {w.casefold() for w in (*ROLES, *ROLE_WORDS, *MEMBER_TITLES)}
_WORD_BEFORE = re.compile(r"(\w+)[\s:(]*$")
_WORD_AFTER = re.compile(r"\s*[,(]\s*(?:\w+\s+){0,2}?(\w+)")

ITEMS_SQL = """
select items.id, items.position, items.label, items.title, items.dnr, items.notes, items.text,
       items.page, meetings.id as meeting_id, meetings.date, meetings.body, documents.path as source
from items join meetings on meetings.id = items.meeting_id
join documents on documents.id = meetings.document_id
where documents.kind is null or documents.kind != 'agenda'
order by meetings.date, meetings.body, documents.id, items.position
"""
PEOPLE_SQL = """
select entities.item_id, entities.text, entities.person_id, entities.start, entities."end"
from entities where label = 'PER' and item_id is not null
order by item_id, start
"""
KNOWN_IDS_SQL = """
select person_id from attendance where person_id is not null
union select person_id from reservations where person_id is not null
union select person_id from conflicts where person_id is not null
"""
KNOWN_NAMES_SQL = """
select name from attendance where name is not null
union select name from reservations where name is not null
union select name from conflicts where name is not null
union select value from items, json_each(items.presenters) where json_valid(items.presenters)
"""


def review(db, *, database: str = "protokoll") -> list[dict]:
    """The rows to look at before publishing ``db`` (a ``sqlite3``/sqlite-utils
    connection); ``database`` is the name Datasette serves it under (for ``link``)."""
    people = _people(db)
    known_ids, known_names = _known(db)
    rows = []
    for item in _items(db):
        where = {
            "date": item["date"], "body": item["body"], "paragraph": item["label"],
            "title": privacy.mask(item["title"]), "link": f"/{database}/items/{item['id']}",
            "source": privacy.mask(item["source"]), "page": item["page"],
        }
        for reason, detail in _reasons(item, people.get(item["id"], ()), known_ids, known_names):
            rows.append({c: {**where, "reason": reason, "detail": detail}[c] for c in COLUMNS})
    return rows


def _items(db) -> Iterator[dict]:
    cursor = db.execute(ITEMS_SQL)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values))


def _people(db) -> dict[str, list[tuple]]:
    out: dict[str, list] = {}
    for item_id, text, person_id, start, end in db.execute(PEOPLE_SQL):
        out.setdefault(item_id, []).append((text, person_id, start, end))
    return out


def _known(db) -> tuple[set[str], set[str]]:
    ids = {pid for (pid,) in db.execute(KNOWN_IDS_SQL)}
    names = {_key(name) for (name,) in db.execute(KNOWN_NAMES_SQL)}
    return ids, names


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _reasons(item: dict, people, known_ids: set, known_names: set) -> Iterator[tuple[str, str]]:
    numbers = [f for field in ("title", "dnr", "notes", "text") for f in privacy.find(item[field] or "")]
    if numbers:
        yield "personnummer", "; ".join(dict.fromkeys(
            f"{privacy.mask(f.text)} ({'samordningsnummer' if f.coordination else 'personnummer'})"
            for f in numbers))
    private = _private(people, item["text"] or "", known_ids, known_names)
    if private:
        yield "private individual", ", ".join(private)
    matters = _matters(f"{item['title'] or ''}\n{item['text'] or ''}")
    if matters:
        yield "confidential matter", "; ".join(matters)


def _private(people, text: str, known_ids: set, known_names: set) -> list[str]:
    """The names of the people tagged in an item who are nobody the database knows and
    whom the text names neither with a party nor with a title or role."""
    full = {_key(name) for name, *_ in people if len(name.split()) > 1} | known_names
    out: list[str] = []
    for name, person_id, start, end in people:
        key = _key(name)
        if person_id in known_ids or key in known_names or name in out:
            continue
        if len(name.split()) > 1 and key.endswith("s") and key[:-1] in full:  # a genitive: "Gunilla Frostgårds"
            continue
        if len(name.split()) == 1 and any(f.startswith(key + " ") for f in full):
            continue
        if isinstance(start, int) and isinstance(end, int) and _official(text[max(0, start - 40):start], text[end:end + 40]):
            continue
        out.append(name)
    return out


def _official(before: str, after: str) -> bool:
    """True when the words around a name make it a politician's or an official's."""
    if _PARTY_AFTER.match(after):
        return True
    words = [m.group(1) for m in (_WORD_BEFORE.search(before), _WORD_AFTER.match(after)) if m]
    return any(_role(w) for w in words)


def _role(word: str) -> bool:
    word = word.casefold()
    # "chef", "chefen", "projektledaren", "direktören": the word or its definite form
    return word in _ROLE_WORDS or any(w.endswith(ROLE_SUFFIXES) for w in (word, word[:-1], word[:-2]))


def _matters(text: str) -> list[str]:
    """Each confidential-matter rule that ``text`` meets, with the words that met it."""
    out: list[str] = []
    for rule, pattern in _TERMS:
        m = pattern.search(text)
        if m:
            found = f'{rule} ("{" ".join(m.group().split())}")'
            if not any(o.startswith(rule + " (") for o in out):
                out.append(found)
    return out
