"""scripts/screenshot.py finds the browser on PATH or as configured, never at a fixed path."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("screenshot", ROOT / "scripts" / "screenshot.py")
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)


def executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def bare_path(tmp_path, monkeypatch):
    """PATH holding only an empty folder of ours, and no $PROTOKOLL_CHROMIUM."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv(screenshot.CHROMIUM_ENV, raising=False)
    return folder


def test_no_browser_found(bare_path):
    assert screenshot.find_chromium() is None


def test_the_first_browser_name_on_path_wins(bare_path):
    chrome = executable(bare_path, "google-chrome")
    assert screenshot.find_chromium() == str(chrome)
    browser = executable(bare_path, "chromium-browser")
    assert screenshot.find_chromium() == str(browser)


def test_the_configured_browser_wins_and_must_exist(bare_path, tmp_path, monkeypatch):
    executable(bare_path, "chromium")
    mine = executable(tmp_path, "my-chromium")
    monkeypatch.setenv(screenshot.CHROMIUM_ENV, str(mine))
    assert screenshot.find_chromium() == str(mine)
    monkeypatch.setenv(screenshot.CHROMIUM_ENV, str(tmp_path / "missing"))
    assert screenshot.find_chromium() is None
    (tmp_path / "plain").write_text("not executable")
    monkeypatch.setenv(screenshot.CHROMIUM_ENV, str(tmp_path / "plain"))
    assert screenshot.find_chromium() is None
    monkeypatch.setenv(screenshot.CHROMIUM_ENV, "chromium")  # a command name: looked up on PATH
    assert screenshot.find_chromium() == str(bare_path / "chromium")


def test_the_script_names_no_browser_path():
    assert "/usr/bin/chromium" not in (ROOT / "scripts" / "screenshot.py").read_text()


def test_the_script_serves_with_the_packages_server():
    """One copy of ``serving``: the script, the browser tests and bench.serve all start
    the server through protokoll.background (the script's own copy is gone)."""
    from bench import serve as bench_serve
    from protokoll import background

    assert screenshot.serving is background.serving is bench_serve.serving
    assert screenshot.PROTOKOLL == background.PROTOKOLL
