from __future__ import annotations

import json

import click

from protokoll import ingest
from protokoll.cli_options import exit_codes, progress_enabled, silent_option
from protokoll.progress import Progress
from protokoll.records import to_dict


@click.command(epilog=exit_codes("the file cannot be read"))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Output the document as JSON.")
@click.option("--max-size", type=int, default=ingest.DEFAULT_MAX_SIZE, show_default=True,
              help="Refuse files larger than this many bytes.")
@silent_option
def text(file, as_json, max_size, silent):
    """Print the text extracted from FILE, one block per line.

    The format is detected from the content: .docx, .doc, .odt, .rtf, .pdf (with
    OCR for scanned pages), .txt and .md. Running headers and footers are removed
    and Word list numbering is recovered. Scanned pages show OCR progress on stderr
    (unless -s).

    \b
    Examples:
        protokoll text samples/lsvo-2024-12-13.docx
        protokoll text samples/aldras-scanned.pdf --json | jq '.blocks[0]'
    """
    progress = Progress(label="OCR pages", enabled=progress_enabled(silent))
    try:
        doc = ingest.read(file, max_size=max_size, progress=progress)
    finally:
        if progress.total:  # only scanned pages draw a progress line
            progress.close()
    if as_json:
        d = to_dict(doc)
        for b in d["blocks"]:
            if not b["cells"]:
                del b["cells"]
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
        return
    for b in doc.blocks:
        click.echo(b.text)
    for w in doc.warnings:
        click.echo(f"Warning: {w}", err=True)
