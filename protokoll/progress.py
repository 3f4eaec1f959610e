"""The one progress wrapper. Library code reports through it and never prints.

``Progress`` is silent unless constructed with ``enabled=True`` (the CLI does that when
stderr is a terminal and ``--silent`` is not given). Library functions take an optional
``progress`` argument and default to :data:`SILENT`.
"""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total: int | None = None, label: str = "", enabled: bool = False, stream=None):
        self.total = total
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.done = 0
        self.failed = 0
        self.extra: dict[str, int] = {}
        self.workers: dict[str, int] = {}  # files done per worker (an import's executor fills it)
        self.started = time.monotonic()
        self._last_draw = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def set_total(self, total: int | None) -> None:
        self.total = total
        self._draw(force=True)

    def update(self, n: int = 1, *, failed: int = 0, **counters: int) -> None:
        self.done += n
        self.failed += failed
        for k, v in counters.items():
            self.extra[k] = self.extra.get(k, 0) + v
        self._draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        parts = [self.label] if self.label else []
        if self.total:
            width = 24
            filled = int(width * min(self.done, self.total) / self.total)
            parts.append("[" + "#" * filled + "-" * (width - filled) + "]")
            parts.append(f"{self.done}/{self.total}")
            if rate > 0 and self.done < self.total:
                eta = (self.total - self.done) / rate
                parts.append(f"ETA {int(eta // 60)}:{int(eta % 60):02d}")
        else:
            parts.append(f"{self.done}")
        parts.append(f"{rate:.1f}/s")
        for k, v in self.extra.items():
            parts.append(f"{k} {v}")
        if self.failed:
            parts.append(f"failed {self.failed}")
        if len(self.workers) > 1:
            parts.append("| " + worker_rates(self.workers, elapsed))
        return " ".join(parts)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        self.stream.write("\r\x1b[2K" + self.line())
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()


def worker_rates(workers: dict[str, int], seconds: float, most: int = 8) -> str:
    """``name rate/s`` per worker, the busiest first; past ``most`` workers, how many more."""
    busiest = sorted(workers.items(), key=lambda kv: -kv[1])
    text = " ".join(f"{name} {n / max(seconds, 1e-9):.1f}/s" for name, n in busiest[:most])
    return text + (f" +{len(busiest) - most} workers" if len(busiest) > most else "")


SILENT = Progress(enabled=False)
