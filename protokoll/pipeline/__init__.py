"""The one way from files to rows.

* :mod:`.process` — :func:`process`, file → ``Protocol`` (ingest → parsers → nlp), and
  :func:`convert`, the same with errors as :class:`Failure` records;
* :mod:`.walk` — folders and zip files into candidates, hashed and typed once;
* :mod:`.executor` — where ``convert`` runs: :class:`Inline` or a :class:`LocalPool`
  of worker processes (:mod:`.worker`), behind one small interface; :mod:`.cluster`
  (imported only for ``cluster=``, as it imports Dask): the same on a Dask cluster;
* :mod:`.run` — the single writer (:func:`import_archive` for ``protokoll ingest``,
  :func:`load_files` for ``protokoll load``): lock, skip known bytes, one transaction
  per document, failures, resume, prune (:mod:`.prune`).
"""

from protokoll.pipeline.process import STAGES, Failure, convert, process
from protokoll.pipeline.walk import Candidate, claims_document, iter_candidates, iter_files, select
from protokoll.pipeline.executor import (  # noqa: I001 - after walk: it imports walk
    DEFAULT_FILES_PER_WORKER, DEFAULT_MAX_MEMORY, DEFAULT_TIMEOUT, WORKER_NICENESS, Inline, LocalPool,
)
from protokoll.pipeline.run import Summary, Writer, import_archive, load_files, lock, vanished

__all__ = [
    "DEFAULT_FILES_PER_WORKER", "DEFAULT_MAX_MEMORY", "DEFAULT_TIMEOUT", "STAGES", "WORKER_NICENESS",
    "Candidate", "Failure", "Inline", "LocalPool", "Summary", "Writer", "claims_document", "convert",
    "import_archive", "iter_candidates", "iter_files", "load_files", "lock", "process", "select", "vanished",
]
