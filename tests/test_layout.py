"""The folders of web/ say where a change goes only while their imports keep to the roles
(docs/architecture.md): no route family imports another, and nothing beneath the routes imports
one; the query service knows nothing of HTTP, pages or the routes."""

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[1] / "src" / "intmk_kg" / "web"
# what each folder must not import (folders of web/)
FORBIDDEN = {
    "routes": {"routes"},
    "http": {"routes", "pages"},
    "sparql": {"routes", "pages"},
    "pages": {"routes", "sparql"},
    "query": {"routes", "http", "sparql", "pages"},
}


def _web_imports(path: Path) -> set[str]:
    """The web/ folders (or top modules) a module imports, by their first part below web/."""
    package = path.relative_to(WEB).parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - (node.level - 1)]) if node.level > 1 else list(package)
            if node.level - 1 > len(package):
                continue  # above web/: the core
            target = base + (node.module.split(".") if node.module else [])
            if target:
                found.add(target[0])
            else:  # from .. import state, from . import x
                found.update(alias.name for alias in node.names)
    return found


def test_each_folder_keeps_to_its_role():
    wrong = []
    for folder, forbidden in FORBIDDEN.items():
        for path in sorted((WEB / folder).rglob("*.py")):
            hits = _web_imports(path) & forbidden
            if folder == "routes":  # "routes" is its own folder: what matters is another route module
                hits = (hits - {"routes"}) | _sibling_routes(path)
            if hits:
                wrong.append(f"{path.relative_to(WEB)} imports {sorted(hits)}")
    assert not wrong, wrong


def _sibling_routes(path: Path) -> set[str]:
    routes = {p.stem for p in (WEB / "routes").glob("*.py")} - {"__init__"}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.update({node.module} & routes if node.module else {a.name for a in node.names} & routes)
    return found
