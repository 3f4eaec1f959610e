"""The mapping from a :class:`~protokoll.records.Protocol` to rows: pure.

:func:`meeting_rows` gives a meeting's rows as read from its main source (the meeting,
its items and everything under them, attendance, entities), per table in foreign-key
order; :func:`document_rows` the rows every saved file keeps of its own (warnings,
quality); :func:`canonical_rows` its people and organisations, which every saved file
adds to (:func:`protokoll.store.sql.merge_canonicals`). Ids are :func:`protokoll.records.child_id` of the
document's id, so the same bytes give the same rows.
"""

from __future__ import annotations

import json

from protokoll import appeal, quality
from protokoll.parsers.spans import clause_spans
from protokoll.records import Item, Protocol, child_id
from protokoll.store.cases import case_id

# Tables in the order their rows go in (a row's parent before it).
MEETING_TABLES = ("meetings", "items", "decisions", "clauses", "motions",
                  "attendance", "entities", "votes", "person_votes", "reservations", "conflicts", "sent_to")


class _Names:
    """The protocol's canonical people and organisations, by id and by name."""

    def __init__(self, p: Protocol):
        self.people = {c.id: c for c in p.canonicals if c.label == "PER"}
        self.orgs = {c.id: c for c in p.canonicals if c.label == "ORG"}
        self.person_by_name = _by_name(self.people.values())
        self.org_by_name = _by_name(self.orgs.values())

    def person(self, canonical, name):
        return canonical if canonical in self.people else self.person_by_name.get(_key(name))

    def org(self, name):
        return self.org_by_name.get(_key(name))


def document_rows(doc_id: str, protocol: Protocol) -> dict[str, list[dict]]:
    """The rows of a saved file that are its own, whichever source serves its meeting."""
    return {
        "warnings": [{"id": child_id(doc_id, "warning", i), "document_id": doc_id, "position": i, "message": w}
                     for i, w in enumerate(protocol.warnings)],
        "quality": quality.rows(doc_id, protocol),
    }


def canonical_rows(p: Protocol) -> dict[str, list[dict]]:
    """The protocol's canonical people and organisations as rows; ``names`` counts this
    file's spelling once (the tagger's choice, :attr:`Canonical.name`)."""
    names = _Names(p)
    return {"people": [_canonical_row(c) for c in names.people.values()],
            "organisations": [_canonical_row(c) for c in names.orgs.values()]}


def meeting_rows(doc_id: str, p: Protocol, meeting_id: str) -> dict[str, list[dict]]:
    """The meeting as read from its main source ``doc_id``: rows per table, in
    foreign-key order (:data:`MEETING_TABLES`)."""
    names = _Names(p)
    m, posting = p.meeting, p.posting
    deadline = appeal.deadline(p)
    rows: dict[str, list[dict]] = {table: [] for table in MEETING_TABLES}
    rows["meetings"] = [{
        "id": meeting_id, "document_id": doc_id, "body": m.body, "date": m.date,
        "start": m.start, "end": m.end, "place": m.place, "organisation": m.organisation,
        "posted": posting and posting.posted, "taken_down": posting and posting.taken_down,
        "kept_at": posting and posting.kept_at, "appeal_last_day": deadline[0], "appeal_note": deadline[1],
    }]
    rows["attendance"] = [{
        "id": child_id(meeting_id, "attendance", i), "meeting_id": meeting_id, "position": i,
        "name": a.name, "person_id": names.person(a.canonical, a.name), "status": a.status,
        "role": a.role, "party": a.party, "organisation": a.organisation,
        "organisation_id": names.org(a.organisation), "paragraphs": json.dumps(list(a.paragraphs)),
    } for i, a in enumerate(p.attendance)]
    positions = [e.item_index for e in p.entities]  # per entity: its item, or None
    money: dict[int, list] = {}  # item position -> its MONEY entities
    for e, pos in zip(p.entities, positions):
        if e.label == "MONEY" and isinstance(e.value, (int, float)) and pos is not None:
            money.setdefault(pos, []).append(e)
    item_ids: dict[int, str] = {}
    for i, it in enumerate(p.items):
        item_ids[i] = child_id(doc_id, "item", i)
        parts = _item_rows(item_ids[i], meeting_id, i, it, money.get(i, []), names)
        for row, d in zip(parts["decisions"], it.decisions):  # a decision to propose to another body
            row.update(proposed_to=d.proposed_to, preparatory=int(appeal.preparatory(d, m.body)))
        for table, item_rows in parts.items():
            rows[table] += item_rows
        last, note = appeal.item_deadline(deadline, it)
        rows["items"][-1].update(immediate=int(it.immediate), appeal_last_day=last, appeal_note=note)
        rows["items"][-1]["case_id"] = case_id(m.organisation, meeting_id, it.dnr)
    rows["entities"] = _entity_rows(doc_id, p, positions, item_ids, names)
    return rows


def _item_rows(item_id: str, meeting_id: str, i: int, it: Item, money: list, names: _Names) -> dict[str, list]:
    """The rows of one item and of everything under it."""
    rows: dict[str, list[dict]] = {"items": [{
        "id": item_id, "meeting_id": meeting_id, "position": i, "number": it.number,
        "label": it.label, "title": it.title, "kind": it.kind, "page": it.page, "dnr": it.dnr,
        "presenters": json.dumps(list(it.presenters), ensure_ascii=False),
        "notes": json.dumps(list(it.notes), ensure_ascii=False), "text": it.text,
    }], "decisions": [], "clauses": []}
    spans = clause_spans(it)
    for j, d in enumerate(it.decisions):
        decision_id = child_id(item_id, "decision", j)
        rows["decisions"].append({
            "id": decision_id, "item_id": item_id, "position": j, "by": d.by,
            "kind": d.kind, "outcome": d.outcome, "text": d.text,
        })
        for k, clause in enumerate(d.clauses):
            rows["clauses"].append(_clause_row(decision_id, item_id, k, clause, spans[j][k], money, it))
    rows["motions"] = [{"id": child_id(item_id, "motion", j), "item_id": item_id, "position": j,
                        "by": mo.by, "text": mo.text} for j, mo in enumerate(it.motions)]
    v = it.votes
    rows["votes"] = [] if v is None else [{
        "id": child_id(item_id, "votes"), "item_id": item_id, "yes": v.yes, "no": v.no,
        "abstain": v.abstain, "yes_means": v.yes_means, "no_means": v.no_means,
        "members": json.dumps([{"name": mv.name, "vote": mv.vote} for mv in v.members], ensure_ascii=False),
    }]
    rows["person_votes"] = [] if v is None else person_vote_rows(item_id, v, names)
    for table, people in (("reservations", it.reservations), ("conflicts", it.conflicts)):
        rows[table] = [{"id": child_id(item_id, table, j), "item_id": item_id, "position": j,
                        "name": name, "person_id": names.person(None, name)} for j, name in enumerate(people)]
    rows["sent_to"] = [{"id": child_id(item_id, "sent_to", j), "item_id": item_id, "position": j,
                        "recipient": r, "organisation_id": names.org(r)} for j, r in enumerate(it.sent_to)]
    return rows


def person_vote_rows(item_id: str, v, names: _Names) -> list[dict]:
    """A roll call's members, one row each; the person resolved as an attendee's is (the
    member's canonical id if the protocol has that person, else by the name as written)."""
    return [{"id": child_id(item_id, "person_vote", j), "item_id": item_id, "position": j, "name": mv.name,
             "person_id": names.person(mv.canonical, mv.name), "vote": mv.vote} for j, mv in enumerate(v.members)]


def protocol_names(p: Protocol) -> _Names:
    """The protocol's canonical people and organisations, as its rows resolve names."""
    return _Names(p)


def _entity_rows(doc_id: str, p: Protocol, positions, item_ids: dict[int, str], names: _Names) -> list[dict]:
    return [{
        "id": child_id(doc_id, "entity", i), "document_id": doc_id,
        # An item_index out of range gets an id no item has: the insert fails on it.
        "item_id": None if pos is None else item_ids.get(pos) or child_id(doc_id, "item", pos),
        "label": e.label, "text": e.text,
        "value": json.dumps(e.value, ensure_ascii=False) if isinstance(e.value, (dict, list)) else e.value,
        "currency": e.currency, "start": e.start, "end": e.end,
        "person_id": e.canonical if e.canonical in names.people else None,
        "organisation_id": e.canonical if e.canonical in names.orgs else None, "rule": e.rule,
        "role": e.role, "role_rule": e.role_rule,
    } for i, (e, pos) in enumerate(zip(p.entities, positions))]


def _clause_row(decision_id, item_id, position, clause, span, money, item) -> dict:
    """A clause with its span in the item's text, the page where it starts and the amounts
    (MONEY entities) inside it; ``decided_amount`` sums those in SEK whose role is
    ``decided`` (see nlp.roles)."""
    inside = [e for e in money if span and span[0] <= e.start and e.end <= span[1]]
    amounts = [e.value for e in inside]
    decided = [e.value for e in inside if e.role == "decided" and e.currency in ("SEK", None)]
    return {
        "id": child_id(decision_id, "clause", position), "decision_id": decision_id,
        "item_id": item_id, "position": position, "text": clause,
        "start": span[0] if span else None, "end": span[1] if span else None,
        "amounts": json.dumps(amounts) if amounts else None,
        "amount": sum(amounts) if amounts else None,
        "decided_amount": sum(decided) if decided else None,
        "page": item.page_at(span[0]) if span else None,
    }


def _canonical_row(c) -> dict:
    return {"id": c.id, "name": c.name, "rule": c.rule,
            "variants": json.dumps(sorted(set(c.variants)), ensure_ascii=False),
            "names": json.dumps({c.name: 1}, ensure_ascii=False)}


def _by_name(canonicals) -> dict[str, str]:
    """Lower-cased name and variants -> canonical id."""
    out = {}
    for c in canonicals:
        for name in (c.name, *c.variants):
            out.setdefault(_key(name), c.id)
    return out


def _key(name) -> str | None:
    return " ".join(name.lower().split()) if name else None
