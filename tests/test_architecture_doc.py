"""docs/architecture.md is the map of the code: a module it does not name is one a newcomer cannot find."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "intmk_kg"
WEB = PACKAGE / "web"


def test_every_module_is_in_the_architecture_doc():
    """A core module by its name (`loader.py`), a server module by its path in `web/` (`routes/dumps.py`,
    `state.py`), so that the server's table says which folder each is in; a subpackage by its folder
    (`linking/`, `query/isolation/`)."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w/]+\.py)`", doc))
    names = {Path(n).name for n in named}
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == "__init__.py":
            continue  # the package itself (its version)
        if path.is_relative_to(WEB):
            in_web = path.relative_to(WEB).as_posix()
            if path.name == "__init__.py" and path.parent != WEB:
                if f"`{path.parent.relative_to(WEB).as_posix()}/`" not in doc:
                    missing.append(module)
            elif in_web not in named:
                missing.append(module)
        elif path.name == "__init__.py":
            # a subpackage's __init__ is named by its folder row, e.g. `linking/`
            if f"`{path.parent.name}/`" not in doc:
                missing.append(module)
        elif path.name not in names:
            missing.append(module)
    assert not missing, f"modules missing from docs/architecture.md: {missing}"
