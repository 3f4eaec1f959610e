"""The shipped set of Swedish lemmas: ``data/sv_lemma_forms.txt.gz``.

One lemma a line, after a first line with the sha256 of the spacy-lookups-data table it
was made from (``scripts/build_lemma_forms.py``). Ingest counts a page's Swedish words
with it (``ingest/swedish.py``); nlp's lookup lemmas use it with that very table
(``nlp/lemma_table.py``).
"""

from __future__ import annotations

from pathlib import Path

FORMS = Path(__file__).resolve().parent / "data" / "sv_lemma_forms.txt.gz"
