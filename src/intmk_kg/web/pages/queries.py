"""The canned queries of `queries/*.rq`: each file's name, its question (the leading comment lines)
and text, as the query pages, the home page and the editor's tabs show them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ...project import Project

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class CannedQuery:
    name: str
    question: str  # the first comment line
    notes: tuple[str, ...]  # further leading comment lines
    text: str

    @classmethod
    def read(cls, path: Path) -> "CannedQuery":
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("#").strip())
        comments = [c for c in comments if c]
        return cls(path.stem, comments[0] if comments else path.stem, tuple(comments[1:]), text)


def folder() -> Path:
    return Project.at(current_app.config.get("HOME")).queries_dir


def all_queries() -> list[CannedQuery]:
    return [CannedQuery.read(p) for p in sorted(folder().glob("*.rq")) if NAME.match(p.stem)]


def canned_tabs(where: Path) -> list[dict[str, str]]:
    """One YASGUI tab per queries/*.rq, named by the question in its leading comment lines."""
    return [{"name": " ".join((q.question, *q.notes)), "query": q.text}
            for q in (CannedQuery.read(p) for p in sorted(where.glob("*.rq")))]
