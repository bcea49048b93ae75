"""Where the project's inputs live: ontology, shapes, data, sources and queries.

The inputs are plain files beside the package in a checkout; INTMK_HOME (or an explicit
path) points elsewhere, so an installed package can build another checkout's data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def default_home() -> Path:
    env = os.environ.get("INTMK_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "ontology").is_dir() and (parent / "pyproject.toml").is_file():
            return parent
    return Path.cwd()


@dataclass(frozen=True)
class Project:
    home: Path

    @classmethod
    def at(cls, home: str | os.PathLike[str] | None = None) -> "Project":
        return cls(Path(home).resolve() if home else default_home())

    @property
    def ontology_dir(self) -> Path:
        return self.home / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.home / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def sources_dir(self) -> Path:
        """The verbatim source texts that the data links with intmk:sourceText (copied into a release)."""
        return self.home / "sources"

    @property
    def queries_dir(self) -> Path:
        return self.home / "queries"

    @property
    def dist_dir(self) -> Path:
        return self.home / "dist"

    def ontology_files(self) -> list[Path]:
        return sorted(self.ontology_dir.glob("*.ttl"))

    def shapes_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))
