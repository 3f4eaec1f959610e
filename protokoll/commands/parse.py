from __future__ import annotations

import json

import click

from protokoll import ingest, pipeline
from protokoll.cli_options import count, exit_codes
from protokoll.records import to_dict


@click.command(epilog=exit_codes("the file cannot be read"))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Output the whole protocol as JSON.")
@click.option("--max-size", type=int, default=ingest.DEFAULT_MAX_SIZE, show_default=True,
              help="Refuse files larger than this many bytes.")
@click.option("--tag/--no-tag", default=True, show_default=True,
              help="Tag people, organisations, amounts and dates (the `entities` key) with spaCy.")
def parse(file, as_json, max_size, tag):
    """Parse FILE into its meeting, attendance, items and decisions.

    Without --json, prints the meeting and one line per item with its decisions'
    "att" clauses. With --json, prints the protocol in the documented shape
    (source, meeting, attendance, items, entities, canonicals, warnings, kind,
    declared). The line after the counts is the self-check: the document's kind,
    the item range its cover declares, and what a person should look at.
    Tagging adds `entities` (PER, ORG, MONEY with its value in kronor, DATE as
    ISO) with offsets into each item's text, and canonical ids for people and
    organisations; --no-tag skips it (faster, no spaCy).
    Parser warnings (duplicate item numbers, unknown layout) go to stderr.

    \b
    Examples:
        protokoll parse samples/lsvo-2024-12-13.md
        protokoll parse samples/aldras.pdf --json | jq '.items[] | {number, title}'
        protokoll parse samples/lsvo-2024-12-13.docx --json | jq '.items[].decisions[].clauses'
        protokoll parse samples/lsvo-2024-12-13.pdf --json | jq '.entities[] | select(.label=="MONEY")'
    """
    nlp = None
    if tag:
        from protokoll import nlp as tagging

        nlp = tagging.load()
    protocol = pipeline.process(file, nlp=nlp, max_size=max_size)
    if as_json:
        click.echo(json.dumps(to_dict(protocol), ensure_ascii=False, indent=2))
    else:
        m = protocol.meeting
        when = " ".join(x for x in (m.date, m.start and f"{m.start}–{m.end or ''}") if x)
        click.echo(" · ".join(x for x in (m.body, when, m.place) if x) or "(no meeting header found)")
        click.echo(f"{count(len(protocol.attendance), 'attendee')}, {count(len(protocol.items), 'item')}"
                   + (f", {count(len(protocol.entities), 'entity', 'entities')}" if tag else ""))
        click.echo(_self_check(protocol))
        for item in protocol.items:
            click.echo(f"\n{item.label}  {item.title or ''}".rstrip())
            for d in item.decisions:
                click.echo(f"  {d.by or '?'} ({d.kind}, {d.outcome}):")
                for clause in d.clauses:
                    click.echo(f"    {clause}")
    for w in protocol.warnings:
        click.echo(f"Warning: {w}", err=True)


def _self_check(protocol) -> str:
    """"protocol, cover §§ 24–30: nothing to look at" or what to look at."""
    from protokoll import quality
    from protokoll.parsers import quality as parse_quality

    q = parse_quality.of(protocol)
    cover = f", cover §§ {q.declared[0]}–{q.declared[1]}" if q.declared else ""
    return f"{q.kind}{cover}: {quality.reasons(q) or 'nothing to look at'}"
