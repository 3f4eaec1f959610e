"""Logging to stderr for the CLI: plain lines with ``-v``, one JSON object per line with ``--log-json``.

Library modules log through ``logging.getLogger("protokoll.<module>")`` and pass the
facts of a record (path, status, stage, …) in ``extra``; the JSON formatter writes them
as fields, so a log can be filtered with ``jq``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", ...extra}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        return json.dumps(out, ensure_ascii=False, default=str)


def configure(verbose: int = 0, as_json: bool = False, stream=None) -> bool:
    """Send ``protokoll.*`` log records to stderr; returns True when logging is on.

    Nothing is logged unless ``verbose`` (``-v`` info, ``-vv`` debug) or ``as_json``.
    """
    logger = logging.getLogger("protokoll")
    for h in list(logger.handlers):
        if getattr(h, "_protokoll", False):
            logger.removeHandler(h)
    if not verbose and not as_json:
        return False
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._protokoll = True
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    logger.propagate = False
    return True
