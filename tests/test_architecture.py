"""The layers of chalicelib/, as the README draws them: each floor imports only its own floor and those below,
no module imports itself back through others, and the rules stay pure (no AWS, no storage)."""
import ast
import os
import subprocess
import sys
from pathlib import Path

from twin.stage import twin_environment

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "chalicelib"
# Lowest first: a module may import from its own floor and any floor before it.
FLOORS = ("core", "models", "rules", "tickets", "escalation", "lifecycle", "channels", "handlers")
IMPURE = ("boto3", "botocore", "pynamodb", "chalice", "chalicelib.models", "chalicelib.core.aws")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, resolved to a module where it names one."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found


GRAPH = {name: {i for i in imports(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def floor(module: str) -> int | None:
    parts = module.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else None


def test_every_module_lives_on_a_floor():
    loose = [m for m in MODULES if m != "chalicelib" and floor(m) is None]
    assert loose == [], "put these in one of " + ", ".join(FLOORS)


def test_no_module_imports_from_a_higher_floor():
    upward = [f"{m} -> {i}" for m, deps in GRAPH.items() for i in deps
              if floor(m) is not None and floor(i) is not None and floor(i) > floor(m)]
    assert upward == []


def test_there_are_no_import_cycles():
    state: dict[str, str] = {}
    cycles = []

    def visit(module, path):
        state[module] = "open"
        for dep in sorted(GRAPH[module]):
            if state.get(dep) == "open":
                cycles.append(" -> ".join(path[path.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, path + [dep])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_rules_are_pure():
    impure = [f"{m} imports {i}" for m, path in MODULES.items() if floor(m) == FLOORS.index("rules")
              for i in imports(path) if any(i == x or i.startswith(f"{x}.") for x in IMPURE)]
    assert impure == []


def test_only_the_store_writes_tickets_through_its_private_helpers():
    private = ("_apply", "_queue_fields")
    leaks = [f"{m} uses {name}" for m, path in MODULES.items() if m != "chalicelib.tickets.store"
             for name in private if f".{name}(" in path.read_text()]
    assert leaks == []


def test_starting_the_app_leaves_each_paths_modules_to_its_first_call():
    """A cold start pays only for Chalice, the logger and the handlers: a route imports the domain, the storage
    and pydantic (its request body) when it is first called; bench/run.py measures the time. A module-level
    import added to a handler would make every function load every path again, and this fails."""
    heavy = ("pydantic", "pynamodb", "boto3", "phonenumbers", "email", "chalicelib.models", "chalicelib.rules",
             "chalicelib.tickets", "chalicelib.escalation", "chalicelib.lifecycle", "chalicelib.channels",
             "chalicelib.handlers.bodies")
    script = f"import sys, app; print(sorted({{m for m in sys.modules if m.startswith({heavy!r})}}))"
    started = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                             env={**os.environ, **twin_environment("test")})
    assert started.stdout.strip() == "[]"
