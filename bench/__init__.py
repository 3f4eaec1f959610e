"""The benchmarks and evaluations of protokoll, run from the repository root as modules:

    .venv/bin/python -m bench.archive 300      # bulk import of a synthetic archive
    .venv/bin/python -m bench.extract          # extraction against raw PDFium and pdfplumber
    .venv/bin/python -m bench.parse            # parsing as a share of extraction
    .venv/bin/python -m bench.store 100000     # store.save and full-text search
    .venv/bin/python -m bench.serve 100000     # Datasette pages on loopback
    .venv/bin/python -m bench.scaling ARCHIVE  # 1 -> 2 workers and cores
    .venv/bin/python -m bench.tree_memory ARCHIVE
    .venv/bin/python -m bench.eval_corpus      # parser accuracy on ../shared/corpus/
    .venv/bin/python -m bench.eval_nlp         # tagging accuracy and speed
    .venv/bin/python -m bench.costs            # CPU per page by kind of input, the writer's bound

Shared helpers are in :mod:`bench.common` (timing, medians, ratios, the Markdown table,
memory from /proc, CLI subprocesses) and :mod:`bench.synthetic` (the one synthetic
archive: files of every format, and records). The latest figures, with the command that
made each, are in bench/RESULTS.md.
"""
