from __future__ import annotations

import json

import click

from protokoll import ingest, parsers
from protokoll.records import to_dict


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Output the whole protocol as JSON.")
@click.option("--max-size", type=int, default=ingest.DEFAULT_MAX_SIZE, show_default=True,
              help="Refuse files larger than this many bytes.")
def parse(file, as_json, max_size):
    """Parse FILE into its meeting, attendance, items and decisions.

    Without --json, prints the meeting and one line per item with its decisions'
    "att" clauses. With --json, prints the protocol in the documented shape
    (source, meeting, attendance, items, entities, canonicals, warnings).
    Parser warnings (duplicate item numbers, unknown layout) go to stderr.

    \b
    Examples:
        protokoll parse samples/lsvo-2024-12-13.md
        protokoll parse samples/aldras.pdf --json | jq '.items[] | {number, title}'
        protokoll parse samples/lsvo-2024-12-13.docx --json | jq '.items[].decisions[].clauses'
    """
    protocol = parsers.parse(ingest.read(file, max_size=max_size))
    if as_json:
        click.echo(json.dumps(to_dict(protocol), ensure_ascii=False, indent=2))
    else:
        m = protocol.meeting
        when = " ".join(x for x in (m.date, m.start and f"{m.start}–{m.end or ''}") if x)
        click.echo(" · ".join(x for x in (m.body, when, m.place) if x) or "(no meeting header found)")
        click.echo(f"{len(protocol.attendance)} attendees, {len(protocol.items)} items")
        for item in protocol.items:
            click.echo(f"\n{item.label}  {item.title or ''}".rstrip())
            for d in item.decisions:
                click.echo(f"  {d.by or '?'} ({d.kind}, {d.outcome}):")
                for clause in d.clauses:
                    click.echo(f"    {clause}")
    for w in protocol.warnings:
        click.echo(f"Warning: {w}", err=True)
