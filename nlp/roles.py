"""The role of every amount: the money a clause decides, a breakdown of it, or a reference.

    >>> protocol = amount_roles(protocol)   # MONEY entities get role and role_rule

``decided``    the money a clause decides ("att bevilja 600 000 kr", "avsätta …"); an
               amount inside a clause that no other rule claims (rule ``in-clause``).
``breakdown``  where money decided in this decision comes from or how it is split
               ("att medel inhämtas från följande: 441 863 kr …"), and amounts of later
               clauses that add up to an amount decided before them (six times "246 096
               kr rekvireras" under 1 476 576 kr).
``reference``  a comparison or an earlier figure ("jämfört med 2025", "tidigare
               beslutade"), a rate ("19,64 kronor/skattekrona", rule ``rate``), and every
               amount outside the decisions' clauses (the item's background text and tables).

So summing the decided amounts counts each krona decided once. Pure: returns a new
Protocol; the cue words are in :mod:`.amount_cues`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

from protokoll.parsers.spans import clause_spans
from protokoll.records import Entity, Protocol

from . import amount_cues


def _cue_re(cues) -> re.Pattern:
    parts = [re.escape(c[:-1]) + r"\w*" if c.endswith("*") else re.escape(c) + r"(?!\w)" for c in cues]
    return re.compile(r"(?<!\w)(?:" + "|".join(p.replace(r"\ ", r"\s+") for p in parts) + ")")


DECIDED_RE = _cue_re(amount_cues.DECIDED)
BREAKDOWN_RE = _cue_re(amount_cues.BREAKDOWN)
REFERENCE_RE = _cue_re(amount_cues.REFERENCE)
# (a sum a year, "600 000 kr/år", is money decided like "per år")
RATE_RE = re.compile(r"\s*(?:" + "|".join(
    re.escape(c).replace(r"\ ", r"\s+") + (r"(?!\w)" if c[-1].isalpha() else r"(?!\s*år(?!\w))")
    for c in amount_cues.RATE) + ")")
# Where a clause's parts end: a semicolon, a colon, a bullet, a sentence's or a comma's
# end, a list point on a new line, a dash between spaces.
_BOUNDARY = re.compile(r"[;:•]|[.,](?=\s)|\n\s*[-–*]|\s[-–]\s")


class _Amount(NamedTuple):
    index: int  # in protocol.entities
    value: float
    decision: int
    clause: int
    role: str
    rule: str


def amount_roles(protocol: Protocol) -> Protocol:
    """``protocol`` with ``role`` and ``role_rule`` set on every MONEY entity."""
    by_item: dict[int, list[int]] = {}
    for n, e in enumerate(protocol.entities):
        if e.label == "MONEY" and e.item_index is not None:
            by_item.setdefault(e.item_index, []).append(n)
    roles: dict[int, tuple[str, str]] = {}
    for i, indexes in by_item.items():
        if 0 <= i < len(protocol.items):
            roles.update(item_roles(protocol.items[i], [(n, protocol.entities[n]) for n in indexes]))
    entities = tuple(
        dataclasses.replace(e, role=roles[n][0], role_rule=roles[n][1]) if n in roles else e
        for n, e in enumerate(protocol.entities)
    )
    return dataclasses.replace(protocol, entities=entities)


def item_roles(item, money: list[tuple[int, Entity]]) -> dict[int, tuple[str, str]]:
    """(role, rule) of each of the item's MONEY entities, by their key in ``money``."""
    text, out = item.text, {}
    located: list[tuple[int, Entity, int, int, tuple[int, int]]] = []
    for d, spans in enumerate(clause_spans(item)):
        for c, span in enumerate(spans):
            for n, e in money:
                if span and span[0] <= e.start and e.end <= span[1] and n not in out:
                    out[n] = None  # claimed by the first clause that holds it
                    located.append((n, e, d, c, span))
    for n, e in money:
        if n not in out:
            out[n] = ("reference", "outside-clause")
    amounts = []
    for n, e, d, c, span in sorted(located, key=lambda x: x[1].start):
        inside = [x[1] for x in located if x[4] == span]
        role, rule = cue_role(text, span, e, inside)
        value = e.value if isinstance(e.value, (int, float)) else 0
        amounts.append(_Amount(n, value, d, c, role, rule))
    for a in _with_parts(amounts):
        out[a.index] = (a.role, a.rule)
    return out


def cue_role(text: str, span: tuple[int, int], amount, inside) -> tuple[str, str]:
    """The role the words around ``amount`` give it in its clause ``text[span]``: its
    part of the clause (between the clause's separators and the neighbouring amounts),
    then the clause's words before that part. ``inside``: the clause's amounts."""
    start, end = _part(text, span, amount, inside)
    part, before = text[start:end].lower(), text[start:amount.start].lower()
    lead = text[span[0]:start].lower()
    if REFERENCE_RE.search(part):
        return "reference", "reference-cue"
    if RATE_RE.match(text[amount.end:amount.end + 40].lower()):
        return "reference", "rate"
    if DECIDED_RE.search(before):
        return "decided", "decided-cue"
    if BREAKDOWN_RE.search(part):
        return "breakdown", "breakdown-cue"
    if BREAKDOWN_RE.search(lead):
        return "breakdown", "breakdown-cue-lead"
    if DECIDED_RE.search(lead):
        return "decided", "decided-cue-lead"
    return "decided", "in-clause"


def _part(text, span, amount, inside) -> tuple[int, int]:
    start = max([span[0]] + [o.end for o in inside if o.end <= amount.start])
    end = min([span[1]] + [o.start for o in inside if o.start >= amount.end])
    for m in _BOUNDARY.finditer(text, start, amount.start):
        start = m.end()
    m = _BOUNDARY.search(text, amount.end, end)
    return start, m.start() if m else end


def _with_parts(amounts: list[_Amount]) -> list[_Amount]:
    """Amounts of later clauses that add up to an amount decided before them in the same
    decision become its breakdown (rule ``part-of-total``); a decision with breakdowns
    but no decided amount decides them (rule ``breakdown-without-total``)."""
    out = list(amounts)
    for d in sorted({a.decision for a in amounts}):
        pos = [k for k, a in enumerate(out) if a.decision == d]
        total = total_clause = None
        run: list[int] = []
        acc = 0.0
        for k in pos:
            a = out[k]
            if a.rule == "decided-cue":
                total, total_clause, run, acc = a.value, a.clause, [], 0.0
            elif a.role != "reference" and total and a.clause > total_clause and a.rule != "decided-cue-lead":
                run.append(k)
                acc = round(acc + a.value, 2)
                if acc == round(total, 2):
                    for r in run:
                        if out[r].rule == "in-clause":
                            out[r] = out[r]._replace(role="breakdown", rule="part-of-total")
                    run, acc = [], 0.0
                elif acc > total:
                    run, acc = [], 0.0
        if not any(out[k].role == "decided" for k in pos):
            for k in pos:
                if out[k].role == "breakdown":
                    out[k] = out[k]._replace(role="decided", rule="breakdown-without-total")
    return out
