"""The tree's layers, read from the source: no import circles, and only the write path
(fptui/ledger/) and the migrations (fptui/db.py) write rows.

import-linter (pyproject.toml, run by `python3 tasks.py test`) checks which layer may
import which; these two tests check what it cannot: circles through imports made inside
functions, and writes, which are calls rather than imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import fptui
from fptui import models

PACKAGE = Path(fptui.__file__).resolve().parent
ROOT = PACKAGE.parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(tree: ast.AST, modules: dict[str, Path]) -> Iterator[str]:
    """The fptui modules a file imports, at its top or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in modules:  # from fptui import ledger
                    yield f"{node.module}.{alias.name}"
                elif node.module in modules:  # from fptui.ledger.rows import by_id
                    yield node.module


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), and self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph[node]:
                out.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_no_module_of_fptui_imports_itself_through_others():
    modules = _modules()
    graph = {
        name: set(_imports(ast.parse(path.read_text(encoding="utf-8")), modules))
        for name, path in modules.items()
    }
    assert sum(len(v) for v in graph.values()) > 100  # the walk saw the imports
    assert _circles(graph) == []


def test_a_circle_is_found_when_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _circles(graph) == [["a", "b", "c"], ["e"]]


# --- writes -------------------------------------------------------------------------------

WRITERS = ("fptui/ledger/", "fptui/db.py")  # the write path; the migrations
# Writes elsewhere, each with its reason. Nothing else may be added here lightly.
EXCEPTIONS = {
    ("fptui/demo.py", "_make_faults"): "plants the faults the write path refuses, for the "
    "checks to find, as an old register's rows would bring them",
    ("fptui/demo.py", "_remember"): "the demo's own settings (seed, size, day, faults)",
}
MODEL_NAMES = {m.__name__ for m in models.MODELS} | {"Setting"}
CLASS_WRITES = {
    "insert",
    "insert_many",
    "insert_from",
    "update",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "replace",
    "replace_many",
}
ROW_WRITES = {"save", "delete_instance"}
SQL_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(tree: ast.AST) -> Iterator[tuple[str, int, str]]:
    """(enclosing function, line, what) for each model or SQL write in a module."""

    def walk(node: ast.AST, function: str) -> Iterator[tuple[str, int, str]]:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = function or child.name  # a nested function counts as its outer one
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute):
                attr, receiver = child.func.attr, child.func.value
                if attr in ROW_WRITES:
                    yield name, child.lineno, f".{attr}()"
                elif attr in CLASS_WRITES and _model_name(receiver) in MODEL_NAMES:
                    yield name, child.lineno, f"{_model_name(receiver)}.{attr}()"
                elif attr in ("execute_sql", "execute", "executemany") and child.args:
                    sql = child.args[0]
                    text = sql.value if isinstance(sql, ast.Constant) else ""
                    if isinstance(sql, ast.JoinedStr) and sql.values:
                        first = sql.values[0]
                        text = first.value if isinstance(first, ast.Constant) else ""
                    if isinstance(text, str) and text.lstrip().upper().startswith(SQL_WRITES):
                        yield name, child.lineno, text.split()[0].upper()
            yield from walk(child, name)

    yield from walk(tree, "")


def _model_name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # models.Setting
        return node.attr
    return ""


def test_only_the_write_path_and_the_migrations_write_rows():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(WRITERS):
            continue
        for function, line, what in _writes(ast.parse(path.read_text(encoding="utf-8"))):
            if (rel, function) not in EXCEPTIONS:
                found.append(f"{rel}:{line} {function}: {what}")
    assert found == []


def test_the_write_scan_finds_each_kind_of_write():
    source = """
def f(person, db):
    person.save()
    Person.update(name="x").where(Person.id == 1).execute()
    models.Setting.insert(key="k").execute()
    db.execute_sql("DELETE FROM person")
    db.cursor().executemany(f"UPDATE household SET search = {mark}", [])
    widget.update("text")
    db.execute_sql("SELECT 1")
"""
    found = [(line, what) for _, line, what in _writes(ast.parse(source))]
    assert found == [
        (3, ".save()"),
        (4, "Person.update()"),
        (5, "Setting.insert()"),
        (6, "DELETE"),
        (7, "UPDATE"),
    ]


def test_the_exceptions_name_functions_that_exist():
    for rel, function in EXCEPTIONS:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        names = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert function in names, (rel, function)
