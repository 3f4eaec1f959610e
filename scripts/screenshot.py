#!/usr/bin/env python3
"""Make docs/screenshot.png: the decision register of the samples in `protokoll serve`.

    .venv/bin/python scripts/screenshot.py                 # → docs/screenshot.png
    .venv/bin/python scripts/screenshot.py -o /tmp/s.png

Loads the bundled samples into a fresh database with `protokoll load`, starts a real
`protokoll serve` on 127.0.0.1 (a free port), opens the register page as a user does
(the first link on the home page) in the system's Chromium (driven by Playwright; no
browser is downloaded) and saves it. The browser is $PROTOKOLL_CHROMIUM (a path or a
command) when set, else the first of chromium, chromium-browser, google-chrome on PATH.
tests/test_browser.py uses the same helpers and makes docs/screenshot.png the same way; the
server is started by ``protokoll.background.serving``, shared with the benchmarks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from protokoll.background import PROTOKOLL, serving

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ENV = "PROTOKOLL_CHROMIUM"  # a path or a command name; else the first of:
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
SAMPLES = ["samples/lsvo-2024-12-13.pdf", "samples/aldras.pdf"]


def find_chromium() -> str | None:
    """The browser to drive: $PROTOKOLL_CHROMIUM when set (None if it names no executable),
    else the first of :data:`CHROMIUM_NAMES` on PATH, else None."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return shutil.which(configured)
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


@contextmanager
def chromium():
    """The system's headless Chromium (:func:`find_chromium`) through Playwright."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError(f"no Chromium found: install chromium, or set {CHROMIUM_ENV} to its path")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def search_register(page, base: str, database: str, query: str) -> None:
    """Type ``query`` into the decision register's search box and submit it."""
    page.goto(f"{base}/{database}/decision_register?_col=date&_col=body&_col=paragraph"
              "&_col=title&_col=clause&_col=amount&_col=outcome&_col=source&_col=page&_col=document_id")
    page.fill("#_search", query)
    with page.expect_navigation():
        page.press("#_search", "Enter")


def open_register(page, base: str) -> None:
    """Open the home page and follow its first link, the decision register."""
    page.goto(base + "/")
    with page.expect_navigation():
        page.locator("section.content a").first.click()


def register_screenshot(page, base: str, output) -> None:
    """The register page as a user first sees it, saved as a PNG at ``output``."""
    page.set_viewport_size({"width": 1280, "height": 860})
    open_register(page, base)
    page.locator("p.protokoll-register-links").evaluate("e => { e.scrollIntoView(); window.scrollBy(0, -12); }")
    page.screenshot(path=str(output))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "screenshot.png"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "protokoll.db"
        subprocess.run([str(PROTOKOLL), "load", *SAMPLES, "--db", str(db), "--silent"],
                       cwd=ROOT, check=True)
        with serving(db, archive=ROOT / "samples") as base, chromium() as browser:
            register_screenshot(browser.new_page(), base, args.output)
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
