"""Write or check the settings table of docs/settings.md from the SETTINGS table (web/settings.py).

`python -m intmk_kg.web.settings_doc --write docs/settings.md` after changing a setting;
`--check` is what tests/test_settings_doc.py runs. A module of its own because web/__init__.py
imports settings.py, and `python -m` of an already imported module warns.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .settings import with_table


def main(argv: list[str]) -> int:
    """`--write PATH` rewrites the table in PATH; `--check PATH` exits 1 if it differs from SETTINGS."""
    if len(argv) != 2 or argv[0] not in ("--write", "--check"):
        print("usage: python -m intmk_kg.web.settings_doc --write|--check docs/settings.md", file=sys.stderr)
        return 2
    path = Path(argv[1])
    text = path.read_text(encoding="utf-8")
    wanted = with_table(text)
    if argv[0] == "--write":
        path.write_text(wanted, encoding="utf-8")
        return 0
    if wanted != text:
        print(f"{path}: the settings table differs from src/intmk_kg/web/settings.py; "
              f"run python -m intmk_kg.web.settings_doc --write {path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
