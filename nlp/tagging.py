"""``tag(protocol, nlp)``: entities, canonical people/organisations and attendee ids.

Pure: returns a new :class:`~protokoll.records.Protocol`; the input is not changed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from typing import NamedTuple

from protokoll.records import Canonical, Entity, Protocol

from .canonical import canonical_id, org_key, person_key, similar_place
from .orgs import find_orgs, tag_acronyms
from .persons import name_like
from .roles import amount_roles
from .spans import add_entities, attribute_key, capitalised, doc_text, in_entity, make_span


def tag(protocol: Protocol, nlp) -> Protocol:
    """Tag every item's text with PER, ORG, MONEY and DATE entities, resolve them to
    canonical people and organisations, and set each attendee's canonical id.

    ``nlp`` is the Language from :func:`protokoll.nlp.load`. Entity offsets are into
    ``item.text``; every entity says which ``rule`` found or resolved it, and every
    amount its ``role`` (:func:`~.roles.amount_roles`).
    """
    people = {person_key(a.name): a.name for a in protocol.attendance}
    presenters = {person_key(n): n for it in protocol.items for n in it.presenters}
    known = {**{k: "per-presenter" for k in presenters}, **{k: "per-attendance" for k in people}}
    acronyms: dict[str, str] = {}
    docs = []
    for item in protocol.items:
        doc = nlp.make_doc(item.text)
        doc.user_data.update(
            text=item.text, meeting_date=protocol.meeting.date, meeting_body=protocol.meeting.body,
            people=known, acronyms=acronyms,
        )
        docs.append(doc)
    # Token lemmas are not part of the output (see :func:`lemmas`); the rules read the
    # lookup table directly, so protokoll_lemmas is skipped here.
    docs = list(nlp.pipe(docs, disable=["protokoll_lemmas"]))
    first_names = _first_names(docs, {**presenters, **people}, nlp)
    for doc in docs:
        tag_acronyms(doc, acronyms)
        _tag_first_names(doc, first_names)

    found = [_found(doc) for doc in docs]
    org_alias, similar = _org_aliases(docs, found, protocol.attendance)
    per_alias = _genitive_aliases(found, people)
    entities, warnings = [], list(protocol.warnings)
    mentions: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for index, (item, spans) in enumerate(zip(protocol.items, found)):
        for f in spans:
            key = (org_alias if f.label == "ORG" else per_alias).get(f.key, f.key)
            canonical = canonical_id(f.label, key) if key else None
            entity = Entity(
                label=f.label, text=f.text, start=f.start, end=f.end, value=f.value,
                currency=f.currency, canonical=canonical, rule=f.rule, item_index=index,
            )
            entities.append(entity)
            if key:
                mentions[(f.label, key)].append(entity)
            warning = f.warning and f"§ {item.number}: {f.warning}"
            if warning and warning not in warnings:  # tagging twice adds nothing
                warnings.append(warning)
    canonicals = _canonicals(mentions, people, similar)
    attendance = tuple(
        dataclasses.replace(a, canonical=canonical_id("PER", person_key(a.name)))
        for a in protocol.attendance
    )
    return amount_roles(dataclasses.replace(
        protocol, entities=tuple(entities), canonicals=canonicals,
        attendance=attendance, warnings=tuple(warnings), items=with_member_ids(protocol.items),
    ))


def with_member_ids(items) -> tuple:
    """The items with each roll-call member's canonical id, made as an attendee's is (so a
    member gets the id she has in the attendance list)."""
    return tuple(
        dataclasses.replace(it, votes=dataclasses.replace(it.votes, members=tuple(
            dataclasses.replace(m, canonical=canonical_id("PER", person_key(m.name))) for m in it.votes.members)))
        if it.votes is not None and it.votes.members else it
        for it in items)


class _Found(NamedTuple):
    """An entity span's text and attributes, read out of the Doc once."""

    label: str
    text: str
    start: int
    end: int
    key: str | None
    value: object
    currency: str | None
    rule: str | None
    warning: str | None


def _found(doc) -> list[_Found]:
    """The text is sliced from the Doc's text and the attributes read from
    ``doc.user_data`` (:func:`~.spans.attribute_key`): ``span.text`` builds a Token per
    word and ``span._`` an Underscore per span, for ~200 entities per protocol."""
    text, get, out = doc_text(doc), doc.user_data.get, []
    for span in doc.ents:
        label, start, end = span.label_, span.start_char, span.end_char
        key, value, currency, rule, warning = (
            get(attribute_key(name, start, end)) for name in ("key", "value", "currency", "rule", "warning"))
        out.append(_Found(label, text[start:end], start, end, key, value, currency, rule, warning))
    return out


def _first_names(docs, known: dict[str, str], nlp) -> dict[str, set[str]]:
    """First name → keys of the people in this protocol who have it: the known people
    (attendance list, presenters; their first name is the gazetteer name in it, else the
    first word) and full names written in the text."""
    gazetteer = nlp.get_pipe("protokoll_persons").first_names
    names = {key: (name, True) for key, name in known.items()}
    for doc in docs:
        text = doc_text(doc)
        for span in doc.ents:
            if span.label_ == "PER":
                start, end = span.start_char, span.end_char
                name = text[start:end]  # not span.text: see _found
                if len(name.split()) > 1:
                    names.setdefault(doc.user_data.get(attribute_key("key", start, end)), (name, False))
    out: dict[str, set[str]] = defaultdict(set)
    for key, (name, is_known) in names.items():
        parts = name.split()
        first = next((p for p in parts if p.lower() in gazetteer), parts[0] if is_known else None)
        if first:
            out[first.lower()].add(key)
    return out


def _tag_first_names(doc, first_names: dict[str, set[str]]) -> None:
    """"Mats berättar …": a lone first name is the unique person with that first name;
    if two people share it, it stays a PER without a canonical id."""
    spans, inside = [], in_entity(doc)
    for i in capitalised(doc):
        token = doc[i]
        keys = first_names.get(token.lower_)
        if keys and name_like(token) and not inside[i]:
            unique = len(keys) == 1
            spans.append(make_span(doc, token.idx, token.idx + len(token), "PER",
                                   key=next(iter(keys)) if unique else None,
                                   rule="per-first-name" if unique else "per-first-name-ambiguous"))
    add_entities(doc, spans)


def _org_aliases(docs, found, attendance) -> tuple[dict[str, str], set[str]]:
    """Organisation keys merged into another: a second expansion of an acronym into the
    first ("enheten för kvalitet och utvecklingsenheten" → "enheten för kvalitet och
    utveckling", both "(KoU)"), and a misspelled place into the similar key that the
    attendance list uses or that is written more often ("kadshamn kommun" →
    "karlshamn kommun"). Also returns the keys that absorbed a misspelling."""
    alias, similar = {}, set()
    for doc in docs:
        for key, first in doc.user_data.get("acronym_aliases", {}).items():
            alias.setdefault(key, first)
    counts = Counter(f.key for spans in found for f in spans if f.label == "ORG" and f.key)
    for a in attendance:  # the attendance list spells its organisations carefully
        for _, _, key, _, _ in find_orgs(a.organisation or ""):
            counts[key] += 1000
    ranked = [k for k, _ in counts.most_common()]
    for i, key in enumerate(ranked):
        for better in ranked[:i]:
            if key not in alias and better not in alias and similar_place(key, better):
                alias[key] = better
                similar.add(better)
                break
    return alias, similar


def _genitive_aliases(found, people) -> dict[str, str]:
    """A person's key written in the genitive ("Helene Bjerstedts") → the key of the same
    name without the -s, when that name is known in this protocol."""
    keys = set(people) | {f.key for spans in found for f in spans if f.label == "PER" and f.key}
    alias = {}
    for key in keys:
        parts = key.split()
        for i, part in enumerate(parts):
            if part.endswith("s") and len(part) > 3:
                base = " ".join(sorted(parts[:i] + [part[:-1]] + parts[i + 1:]))
                if base in keys:
                    alias[key] = base
                    break
    return alias


def _canonicals(mentions, people, similar: set[str]) -> tuple[Canonical, ...]:
    """One Canonical per key. Its name is the attendance spelling, else the most frequent
    mention whose own key is the canonical key (so not a misspelling or an acronym)."""
    keyer = {"PER": person_key, "ORG": org_key}
    out = []
    for (label, key), ents in sorted(mentions.items()):
        variants = tuple(sorted({e.text for e in ents}))
        if label == "PER" and key in people:
            name, rule = people[key], "attendance"
        else:
            own = [e.text for e in ents if keyer[label](e.text) == key] or [e.text for e in ents]
            name = Counter(own).most_common(1)[0][0]
            rule = "acronym" if any(e.rule == "org-acronym" for e in ents) else ents[0].rule
        if label == "ORG" and key in similar:
            rule = "org-similar-place"
        if len(variants) > 1 and rule not in ("acronym", "org-similar-place"):
            rule = f"{rule}+normalised-key"
        out.append(Canonical(id=canonical_id(label, key), label=label, name=name, variants=variants, rule=rule))
    return tuple(out)


def lemmas(text: str, nlp) -> list[str]:
    """Lower-case lemmas of ``text`` from spaCy's Swedish lookup table, for search."""
    doc = nlp.get_pipe("protokoll_lemmas")(nlp.make_doc(text))
    return [t.lemma_.lower() for t in doc if not t.is_space and not t.is_punct]
