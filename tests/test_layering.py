"""Layering rules read from the source: fair never imports discussions, only the transaction
appends to the event log and writes audit rows, only action modules record events and audit,
and no module builds an engine at import time."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from fair.core.settings import PROJECT_ROOT

FAIR = PROJECT_ROOT / "fair"
LOG_MODULE = "fair.core.log"
LOG_WRITERS = {"fair/core/db.py", "fair/core/log.py"}
AUDIT_MODULE = "fair.core.audit"
AUDIT_WRITERS = {"fair/core/db.py", "fair/core/audit.py"}
AUDIT_MODEL = "AuditEntry"
STATEMENTS = {"insert", "update", "delete"}
ENGINE_FACTORIES = {"create_engine", "create_async_engine", "engine_from_config"}
RECORDERS_BY_NAME = {
    # Organisers scheduling panels: an action module in all but name (it is qa's set-up).
    "fair/qa/setup.py",
    # Following panels, and the schedule's "starting soon": Q&A actions in all but name.
    "fair/qa/following.py",
    # One's own account: profile, password, logins, deletion (account actions in all but
    # name, kept apart from the organisers' accounts/actions.py).
    "fair/core/accounts/profile.py",
    "fair/core/accounts/erasure.py",
}


def fair_modules() -> list[Path]:
    return sorted(FAIR.rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def module_name(path: str) -> str:
    """`fair/core/db.py` -> `fair.core.db`; a package's `__init__.py` names the package."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(path: str, node: ast.ImportFrom) -> str:
    """The absolute module an `from ... import` names, resolving relative imports."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported_modules(path: str, tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every module the source imports, with its line, including `from x import y` as `x.y`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            source = resolve(path, node)
            yield node.lineno, source
            for alias in node.names:
                yield node.lineno, f"{source}.{alias.name}" if source else alias.name
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def discussions_imports(path: str, source: str) -> list[str]:
    tree = ast.parse(source, filename=path)
    return [
        f"{path}:{line} imports {name}"
        for line, name in imported_modules(path, tree)
        if name == "discussions" or name.startswith("discussions.")
    ]


def log_append_uses(path: str, source: str) -> list[str]:
    """Every reference to `append` of fair.core.log, however the module or function was bound."""
    tree = ast.parse(source, filename=path)
    module_names = {LOG_MODULE}
    function_names: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == LOG_MODULE and alias.asname:
                    module_names.add(alias.asname)
        elif isinstance(node, ast.ImportFrom):
            source_module = resolve(path, node)
            for alias in node.names:
                if f"{source_module}.{alias.name}" == LOG_MODULE:
                    module_names.add(alias.asname or alias.name)
                elif source_module == LOG_MODULE and alias.name in {"append", "*"}:
                    function_names.add(alias.asname or alias.name)
                    found.append(f"{path}:{node.lineno} imports {alias.name} from {LOG_MODULE}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "append":
            if ast.unparse(node.value) in module_names:
                found.append(f"{path}:{node.lineno} uses {ast.unparse(node)}")
        elif isinstance(node, ast.Name) and node.id in function_names:
            found.append(f"{path}:{node.lineno} uses {node.id} from {LOG_MODULE}")
    return found


def is_action_module(path: str) -> bool:
    """`actions.py`, a module under an `actions/` package, or one listed with its reason."""
    parts = path.split("/")
    return parts[-1] == "actions.py" or "actions" in parts[:-1] or path in RECORDERS_BY_NAME


def event_recordings(path: str, source: str) -> list[str]:
    """Every use of a `.record` attribute (`tx.record(...)`, or the method taken to call later)."""
    tree = ast.parse(source, filename=path)
    return [
        f"{path}:{node.lineno} uses {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "record"
    ]


def audit_calls(path: str, source: str) -> list[str]:
    """Every call of an `.audit(...)` method: a transaction writing an audit row."""
    tree = ast.parse(source, filename=path)
    return [
        f"{path}:{node.lineno} calls {ast.unparse(node.func)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "audit"
    ]


def audit_row_writes(path: str, source: str) -> list[str]:
    """Audit rows made or changed other than through `Tx.audit`: building an `AuditEntry`,
    an INSERT, UPDATE or DELETE statement on it, or using `fair.core.audit.entry`."""
    tree = ast.parse(source, filename=path)
    module_names: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source_module = resolve(path, node)
            for alias in node.names:
                if f"{source_module}.{alias.name}" == AUDIT_MODULE:
                    module_names.add(alias.asname or alias.name)
                elif source_module == AUDIT_MODULE and alias.name in {"entry", "*"}:
                    found.append(f"{path}:{node.lineno} imports {alias.name} from {AUDIT_MODULE}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == AUDIT_MODULE:
                    module_names.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "entry":
            if ast.unparse(node.value) in module_names:
                found.append(f"{path}:{node.lineno} uses {ast.unparse(node)}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == AUDIT_MODEL:
            found.append(f"{path}:{node.lineno} builds an {AUDIT_MODEL}")
        elif name in STATEMENTS and any(
            ast.unparse(arg).split(".")[-1] == AUDIT_MODEL for arg in node.args
        ):
            found.append(f"{path}:{node.lineno} calls {name}({AUDIT_MODEL})")
    return found


def import_time_calls(tree: ast.AST) -> Iterator[ast.Call]:
    """Calls that run when the module is imported: outside any function or lambda body."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    yield from import_time_calls(ast.Expression(default))
            if not isinstance(node, ast.Lambda):
                for decorator in node.decorator_list:
                    yield from import_time_calls(ast.Expression(decorator))
            continue
        if isinstance(node, ast.Call):
            yield node
        yield from import_time_calls(node)


def engines_at_import(path: str, source: str) -> list[str]:
    tree = ast.parse(source, filename=path)
    found = []
    for call in import_time_calls(tree):
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ENGINE_FACTORIES:
            found.append(f"{path}:{call.lineno} calls {ast.unparse(func)} at import time")
    return found


MODULES = [pytest.param(path, id=relative(path)) for path in fair_modules()]


def test_the_fair_package_has_modules_to_check() -> None:
    """The scan finds the core modules, so an empty glob cannot make the rules pass."""
    names = {relative(path) for path in fair_modules()}
    assert {"fair/core/db.py", "fair/core/log.py", "fair/core/app.py"} <= names
    assert len(names) > 40


@pytest.mark.parametrize("path", MODULES)
def test_fair_never_imports_discussions(path: Path) -> None:
    """No module under fair/ imports the discussions package, directly or by name."""
    assert discussions_imports(relative(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", MODULES)
def test_only_the_transaction_appends_to_the_event_log(path: Path) -> None:
    """Outside fair/core/db.py and fair/core/log.py nothing references fair.core.log.append."""
    name = relative(path)
    if name in LOG_WRITERS:
        return
    assert log_append_uses(name, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", MODULES)
def test_only_action_modules_record_events(path: Path) -> None:
    """Events are recorded by actions, in the transaction that changes state; pages, commands,
    queries and the core only call actions."""
    name = relative(path)
    if is_action_module(name):
        return
    assert event_recordings(name, path.read_text(encoding="utf-8")) == []


def test_action_modules_are_where_events_are_recorded() -> None:
    """The checker sees the Q&A and hall actions record events, so it would see any other."""
    for name in ("fair/qa/actions.py", "fair/hall/actions/visits.py", "fair/qa/setup.py"):
        assert is_action_module(name)
        assert event_recordings(name, (PROJECT_ROOT / name).read_text(encoding="utf-8")) != []


@pytest.mark.parametrize(
    "source",
    [
        "async def f(db, e):\n    async with db.transaction() as tx:\n        tx.record(e)\n",
        "def f(self, e):\n    self.tx.record(e)\n",
        "def f(tx):\n    note = tx.record\n    return note\n",
        "def f(tx, events):\n    list(map(tx.record, events))\n",
    ],
)
def test_recording_check_catches_every_form(source: str) -> None:
    """The recording check finds `.record` called on any transaction, or taken to call later."""
    assert event_recordings("fair/qa/pages.py", source) != []
    assert not is_action_module("fair/qa/pages.py")


@pytest.mark.parametrize(
    "path",
    ["fair/qa/live.py", "fair/hall/queries.py", "fair/core/db.py", "fair/hall/actionsx.py"],
)
def test_only_action_modules_count_as_action_modules(path: str) -> None:
    """Adapters, queries, the core and look-alike names are not action modules."""
    assert not is_action_module(path)


def test_recording_check_ignores_other_names() -> None:
    """Functions and fields whose name merely starts with `record` are not recordings."""
    source = "async def f(v, db, r):\n    await v.record_visit(db)\n    return r.recorded\n"
    assert event_recordings("fair/hall/pages.py", source) == []


@pytest.mark.parametrize("path", MODULES)
def test_only_action_modules_write_audit_rows(path: Path) -> None:
    """Audit rows are written by actions through `tx.audit`, in the transaction of the action;
    nothing else builds, inserts, updates or deletes one."""
    name = relative(path)
    source = path.read_text(encoding="utf-8")
    if not is_action_module(name):
        assert audit_calls(name, source) == []
    if name not in AUDIT_WRITERS:
        assert audit_row_writes(name, source) == []


def test_the_audit_checks_see_the_writers() -> None:
    """The checks see the Q&A actions call tx.audit and the transaction build the row."""
    qa_actions = (PROJECT_ROOT / "fair/qa/actions.py").read_text(encoding="utf-8")
    assert audit_calls("fair/qa/actions.py", qa_actions) != []
    db = (FAIR / "core" / "db.py").read_text(encoding="utf-8")
    assert audit_row_writes("fair/core/db.py", db) != []


@pytest.mark.parametrize(
    "source",
    [
        "from fair.core.audit import AuditEntry\ndef f(s):\n    s.add(AuditEntry(action='x'))\n",
        "from sqlalchemy import delete\nasync def f(s):\n    await s.execute(delete(AuditEntry))\n",
        "import sqlalchemy as sa\ndef f():\n    return sa.update(audit.AuditEntry)\n",
        "from fair.core import audit\ndef f(a):\n    return audit.entry(a, None, 1)\n",
        "from fair.core.audit import entry\n",
    ],
)
def test_the_audit_row_check_catches_every_form(source: str) -> None:
    """Building a row, a statement on the table, or the row factory outside the transaction
    are all reported."""
    assert audit_row_writes("fair/qa/pages.py", source) != []


def test_the_audit_row_check_ignores_reading() -> None:
    """Selecting audit rows, as the organisers' page does, is not a write."""
    source = (
        "from sqlalchemy import select\nfrom fair.core.audit import AuditEntry\n"
        "def f():\n    return select(AuditEntry).order_by(AuditEntry.id)\n"
    )
    assert audit_row_writes("fair/core/home/queries.py", source) == []


@pytest.mark.parametrize("path", MODULES)
def test_no_module_creates_an_engine_at_import(path: Path) -> None:
    """Engines are created inside functions (the lifespan, a command), never at module level."""
    assert engines_at_import(relative(path), path.read_text(encoding="utf-8")) == []


def test_the_transaction_is_the_log_writer() -> None:
    """The checker sees fair/core/db.py call log.append, so it would see any other caller."""
    db = FAIR / "core" / "db.py"
    assert log_append_uses("fair/core/db.py", db.read_text(encoding="utf-8")) != []


@pytest.mark.parametrize(
    "source",
    [
        "import discussions\n",
        "import discussions.rounds as rounds\n",
        "from discussions import feature\n",
        "from discussions.rounds.actions import open_round\n",
        "def load():\n    from discussions import feature\n",
        "import importlib\nimportlib.import_module('discussions.feature')\n",
    ],
)
def test_discussions_check_catches_every_import_form(source: str) -> None:
    """The import check finds discussions however it is imported, even inside a function."""
    assert discussions_imports("fair/core/example.py", source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from fair.core import log\nasync def f(s):\n    await log.append(s, [], None)\n",
        "from fair.core import log as event_log\nx = event_log.append\n",
        "import fair.core.log\nasync def f(s):\n    await fair.core.log.append(s, [], None)\n",
        "import fair.core.log as L\nasync def f(s):\n    await L.append(s, [], None)\n",
        "from fair.core.log import append\nasync def f(s):\n    await append(s, [], None)\n",
        "from fair.core.log import append as write\nasync def f(s):\n    await write(s, [], 1)\n",
        "from .. import log\nasync def f(s):\n    await log.append(s, [], None)\n",
        "from ..log import append\n",
        "from fair.core.log import *\n",
    ],
)
def test_log_append_check_catches_every_binding(source: str) -> None:
    """The log check finds append however fair.core.log or its function is bound."""
    assert log_append_uses("fair/core/hall/actions.py", source) != []


def test_log_append_check_ignores_list_append() -> None:
    """Appending to an ordinary list, or using other log functions, is not a log write."""
    source = (
        "from fair.core import log\nitems = []\nitems.append(1)\n"
        "async def f(s):\n    return await log.heads(s, ['fair'])\n"
    )
    assert log_append_uses("fair/core/hub.py", source) == []


@pytest.mark.parametrize(
    "source",
    [
        "from fair.core.db import create_engine\nENGINE = create_engine('sqlite+aiosqlite://')\n",
        "import sqlalchemy.ext.asyncio as sa\nengine = sa.create_async_engine('sqlite://')\n",
        "class Store:\n    engine = create_async_engine('sqlite://')\n",
        "if True:\n    engine = create_engine('sqlite://')\n",
        "def f(engine=create_engine('sqlite://')):\n    return engine\n",
        "DB = Database(create_engine('sqlite://'))\n",
    ],
)
def test_engine_check_catches_module_level_creation(source: str) -> None:
    """The engine check finds an engine built in a module body, class body or default value."""
    assert engines_at_import("fair/core/example.py", source) != []


def test_engine_check_allows_engines_built_in_functions() -> None:
    """Building the engine inside a function or lambda is what the rule asks for."""
    source = (
        "def open_db(url):\n    return create_engine(url)\n"
        "async def lifespan(app):\n    engine = create_async_engine(app.url)\n"
        "make = lambda url: create_engine(url)\n"
    )
    assert engines_at_import("fair/core/example.py", source) == []


# The package's import graph

CORE = "fair.core"
PUBLIC_MODULE = "public"
"""The one module of a feature that other features may import (`fair.hall.public`)."""


def package_modules(root: Path = FAIR) -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(relative(path)): path for path in sorted(root.rglob("*.py"))}


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Which of `modules` each one imports, at any level and under TYPE_CHECKING too: a cycle
    that only type checkers walk still ties the modules into one."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        source = relative(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=source)
        graph[name] = {
            imported
            for _line, imported in imported_modules(source, tree)
            if imported in modules and imported != name
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def feature_of(module: str) -> str | None:
    """The feature package a module of fair/ belongs to (`fair.hall`), or None for the core and
    the app around it (fair.cli, fair.migrations)."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] == "core":
        return None
    return ".".join(parts[:2]) if (FAIR / parts[1] / "feature.py").exists() else None


def wrong_way_imports(graph: dict[str, set[str]]) -> list[str]:
    """Core modules importing a feature, and features importing another's private modules."""
    found = []
    for module, targets in graph.items():
        home = feature_of(module)
        for target in sorted(targets):
            owner = feature_of(target)
            if owner is None or owner == home:
                continue
            if module.startswith(f"{CORE}.") or module == CORE:
                found.append(f"{module} (core) imports the feature module {target}")
            elif home is not None and target not in {owner, f"{owner}.{PUBLIC_MODULE}"}:
                found.append(f"{module} imports {target}: use {owner}.{PUBLIC_MODULE}")
    return found


def test_the_package_has_no_import_cycle() -> None:
    """No group of modules in fair/ imports each other in a loop, type-checking imports included."""
    assert cycles(import_graph(package_modules())) == []


def test_the_cycle_check_finds_a_loop() -> None:
    """The checker reports a loop through three modules and ignores a chain."""
    loop = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(loop) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_import_graph_sees_type_checking_and_local_imports(tmp_path: Path) -> None:
    """Imports under TYPE_CHECKING and inside functions are edges of the graph."""
    modules = {"fair.core.x": tmp_path / "x.py", "fair.core.y": tmp_path / "y.py"}
    modules["fair.core.x"].write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from fair.core.y import Y\n"
    )
    modules["fair.core.y"].write_text("def f():\n    from fair.core import x\n")
    found = {
        name: {
            imported
            for _line, imported in imported_modules(name, ast.parse(path.read_text()))
            if imported in modules
        }
        for name, path in modules.items()
    }
    assert found == {"fair.core.x": {"fair.core.y"}, "fair.core.y": {"fair.core.x"}}


def test_the_core_never_imports_a_feature_and_features_use_public_modules() -> None:
    """fair/core imports no feature; a feature imports another only through its `public`."""
    assert wrong_way_imports(import_graph(package_modules())) == []


def test_the_feature_boundary_check_catches_both_mistakes() -> None:
    """A core module importing the hall and qa importing the hall's models are both reported."""
    graph = {
        "fair.core.pages": {"fair.hall.models"},
        "fair.qa.queries": {"fair.hall.models", "fair.hall.public", "fair.core.db"},
        "fair.hall.models": set(),
        "fair.hall.public": {"fair.hall.models"},
    }
    assert wrong_way_imports(graph) == [
        "fair.core.pages (core) imports the feature module fair.hall.models",
        "fair.qa.queries imports fair.hall.models: use fair.hall.public",
    ]


RULE_MODULES = [
    pytest.param(path, id=relative(path)) for path in fair_modules() if path.name == "rules.py"
]


@pytest.mark.parametrize("path", RULE_MODULES)
def test_rules_modules_are_pure(path: Path) -> None:
    """A rules.py holds pure decisions: it imports no SQLAlchemy and no database module."""
    name = relative(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=name)
    impure = [
        f"{name}:{line} imports {imported}"
        for line, imported in imported_modules(name, tree)
        if imported.split(".")[0] == "sqlalchemy"
        or imported in {"fair.core.db", "fair.core.log"}
        or imported.endswith(".models")
    ]
    assert impure == []


def test_every_feature_has_rules_to_check() -> None:
    """The pure-rules check has the hall's and the Q&A's rules to read."""
    assert {relative(p.values[0]) for p in RULE_MODULES} >= {  # type: ignore[index]
        "fair/hall/rules.py",
        "fair/qa/rules.py",
    }
