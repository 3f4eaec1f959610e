"""The shape of the product code: the import arrows that must never exist, and sizes.

The forbidden arrows are the list in docs/architecture.md ("Import rules"); the test
reads them from there, so the page and the test cannot drift. Imports are read with
``ast``: absolute (``protokoll.parsers…``) and relative (``from ..ingest import x``),
at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
# The product code (folders as in the repository).
PRODUCT = ("protokoll", "ingest", "parsers", "nlp", "datasette/plugins")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# being split in issue 29; the lead empties this set at merge.
# "path" exempts a module (and its functions) from the size limits, "path:function" one function.
PENDING = {
}

# The names the arrows use: module-name prefixes; "protokoll" is any project module and
# "non-cli" any product module but the CLI's.
GROUPS = {
    "parsers": ("protokoll.parsers",),
    "ingest": ("protokoll.ingest",),
    "nlp": ("protokoll.nlp",),
    "store": ("protokoll.store",),
    "records": ("protokoll.records",),
    "cli": ("protokoll.cli", "protokoll.cli_options", "protokoll.commands"),
    "protokoll": ("protokoll",),
    "click": ("click",),
}


def in_group(module: str, group: str) -> bool:
    if group == "non-cli":
        return in_group(module, "protokoll") and not in_group(module, "cli")
    return any(module == p or module.startswith(p + ".") for p in GROUPS[group])


def doc_arrows() -> list[tuple[str, str]]:
    """The arrows listed under "## Import rules" in docs/architecture.md."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Import rules", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^- `([\w-]+)` → `([\w-]+)`", section, flags=re.M)


FORBIDDEN = doc_arrows()


def imports(source: str, module: str, *, package: bool = False) -> list[tuple[int, str]]:
    """(line, module name) of every import in ``source``, the code of ``module`` (a
    package's ``__init__`` if ``package``): relative imports resolved, imports inside
    functions included; ``from a import b`` gives both ``a`` and ``a.b`` (b may be a module)."""
    home = module if package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = home.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                target = base + (f".{node.module}" if node.module else "")
            else:
                target = node.module
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names if alias.name != "*"]
    return found


def violations(source: str, module: str, arrow: tuple[str, str], *, package: bool = False) -> list[str]:
    """The imports in ``source`` that follow the forbidden ``arrow``."""
    origin, target = arrow
    if not in_group(module, origin):
        return []
    return sorted({f"{line}: {name}" for line, name in imports(source, module, package=package)
                   if in_group(name, target)})


def product_files() -> list[Path]:
    return sorted(path for folder in PRODUCT for path in (ROOT / folder).rglob("*.py"))


def module_name(path: Path) -> tuple[str, bool]:
    """The dotted name a product file is imported as (by pyproject's package-dir), and
    whether it is a package's ``__init__``."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        package_dir = tomllib.load(f)["tool"]["setuptools"]["package-dir"]
    rel = path.relative_to(ROOT)
    folder, name = max(((d, n) for n, d in package_dir.items() if rel.is_relative_to(d)),
                       key=lambda dn: len(Path(dn[0]).parts))
    parts = [name, *rel.relative_to(folder).with_suffix("").parts]
    package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if package else parts), package


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# --- the import rules --------------------------------------------------------------------


def test_the_architecture_page_lists_the_import_rules():
    assert set(FORBIDDEN) == {
        ("parsers", "ingest"), ("parsers", "store"), ("nlp", "store"), ("ingest", "parsers"),
        ("ingest", "nlp"), ("records", "protokoll"), ("non-cli", "click"),
    }
    assert len(FORBIDDEN) == len(set(FORBIDDEN))
    for origin, target in FORBIDDEN:
        assert origin in GROUPS or origin == "non-cli"
        assert target in GROUPS


@pytest.mark.parametrize("arrow", FORBIDDEN, ids=[f"{a}->{b}" for a, b in FORBIDDEN])
def test_no_product_module_imports_along_a_forbidden_arrow(arrow):
    found = []
    for path in product_files():
        module, package = module_name(path)
        found += [f"{rel(path)}:{v}" for v in
                  violations(path.read_text(encoding="utf-8"), module, arrow, package=package)]
    assert not found, f"forbidden import {arrow[0]} → {arrow[1]}: {found}"


# For each arrow: a module on its tail, and imports along it the checker must flag.
EXAMPLES = {
    ("parsers", "ingest"): ("protokoll.parsers.example", [
        "from protokoll.ingest import read", "from ..ingest.pdf import read_pdf",
        "def f():\n    import protokoll.ingest.ocr as ocr\n    return ocr"]),
    ("parsers", "store"): ("protokoll.parsers.example", [
        "from protokoll import store", "from .. import store", "from ..store.schema import SCHEMA",
        "def f():\n    from protokoll.store import save"]),
    ("nlp", "store"): ("protokoll.nlp.example", [
        "import protokoll.store", "from ..store import open",
        "class T:\n    def f(self):\n        from protokoll import store"]),
    ("ingest", "parsers"): ("protokoll.ingest.example", [
        "from protokoll.parsers import parse", "from ..parsers.vocab import WORDS",
        "def f():\n    from .. import parsers"]),
    ("ingest", "nlp"): ("protokoll.ingest.example", [
        "import protokoll.nlp", "from ..nlp import tag", "async def f():\n    from protokoll.nlp.vocab import X"]),
    ("records", "protokoll"): ("protokoll.records", [
        "from protokoll import errors", "from . import errors", "from .parsers import vocab",
        "def f():\n    import protokoll.store"]),
    ("non-cli", "click"): ("protokoll.web.example", [
        "import click", "from click import echo", "def f():\n    import click.testing"]),
}


def test_every_arrow_has_examples():
    assert set(EXAMPLES) == set(FORBIDDEN)


@pytest.mark.parametrize("arrow, module, source", [
    pytest.param(arrow, module, source, id=f"{arrow[0]}->{arrow[1]}-{i}")
    for arrow, (module, sources) in EXAMPLES.items() for i, source in enumerate(sources)
])
def test_the_checker_flags_an_import_along_a_forbidden_arrow(arrow, module, source):
    assert violations(source, module, arrow), f"{source!r} in {module} not flagged as {arrow}"


# Imports the rules allow, each in a module of the kind it names.
ALLOWED = [
    ("protokoll.parsers.items", False, "from protokoll.records import Item\nfrom . import vocab"),
    ("protokoll.parsers", True, "from .lines import Line\nfrom protokoll import records"),
    ("protokoll.nlp.roles", False, "from ..parsers import vocab\nimport protokoll.clausespan"),
    ("protokoll.ingest.pdf", False, "from protokoll.errors import UnreadableFile\nfrom .pages import peel"),
    ("protokoll.records", False, "from __future__ import annotations\nimport dataclasses"),
    ("protokoll.cli", False, "import click"),
    ("protokoll.cli_options", False, "import click"),
    ("protokoll.commands.serve", False, "import click\nfrom protokoll import store"),
    ("protokoll.store", False, "from protokoll.records import Protocol\nfrom .parsers import quality"),
]


@pytest.mark.parametrize("module, package, source", ALLOWED, ids=[m for m, _, _ in ALLOWED])
def test_the_checker_flags_nothing_allowed(module, package, source):
    assert not [v for arrow in FORBIDDEN for v in violations(source, module, arrow, package=package)]


def test_relative_imports_resolve_to_real_modules():
    """Every project import in the product code names a module that exists (or a name in
    one): the resolution of relative imports is right, so no arrow is missed by a wrong
    name."""
    modules = {module_name(path)[0] for path in product_files()}
    assert {"protokoll", "protokoll.cli", "protokoll.parsers", "protokoll.ingest.pdf"} <= modules
    wrong, relative = [], 0
    for path in product_files():
        module, package = module_name(path)
        source = path.read_text(encoding="utf-8")
        relative += source.count("from .")
        for line, name in imports(source, module, package=package):
            if in_group(name, "protokoll") and name not in modules and name.rpartition(".")[0] not in modules:
                wrong.append(f"{rel(path)}:{line}: {name}")
    assert relative > 20  # the product code does use relative imports: they are checked
    assert not wrong


# --- sizes -------------------------------------------------------------------------------


def functions(source: str) -> list[tuple[str, int]]:
    """(qualified name, lines) of every function and method in ``source``, nested ones too."""
    out = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    out.append((name, child.end_lineno - child.lineno + 1))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


def oversized() -> set[str]:
    """The product modules over :data:`MAX_MODULE_LINES` ("path") and functions over
    :data:`MAX_FUNCTION_LINES` ("path:function")."""
    out = set()
    for path in product_files():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            out.add(rel(path))
        out |= {f"{rel(path)}:{name}" for name, lines in functions(source) if lines > MAX_FUNCTION_LINES}
    return out


def pending(entry: str) -> bool:
    return entry in PENDING or entry.split(":")[0] in PENDING


def test_every_product_module_and_function_is_within_the_limits():
    over = sorted(e for e in oversized() if not pending(e))
    assert not over, f"over {MAX_MODULE_LINES} lines a module or {MAX_FUNCTION_LINES} a function: {over}"


def test_pending_entries_are_still_over_the_limits():
    """An entry that was split (or is gone) leaves PENDING, so it hides nothing."""
    over = oversized()
    assert not [e for e in PENDING if e not in over], "remove from PENDING what is within the limits"


def test_the_size_check_flags_a_long_function():
    body = "\n".join(f"x{i} = {i}" for i in range(59))
    short = "def short():\n" + "\n".join("    " + line for line in body.splitlines())
    long = "class C:\n    async def long(self):\n" + "\n".join("        " + line for line in body.splitlines())
    assert functions(short) == [("short", 60)]
    assert functions(long + "\n        return 1\n") == [("C.long", 61)]
    with_long = "\n".join(["import os", long, "        return 1", ""])
    assert [(n, lines) for n, lines in functions(with_long) if lines > MAX_FUNCTION_LINES] == [("C.long", 61)]
