"""Rows of a reference table (CSV with a header row) that know their file and line, so that every
error about a cell names both."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, Problem


@dataclass
class Row:
    path: Path
    line: int
    data: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return (self.data.get(name) or "").strip()

    def many(self, name: str) -> list[str]:
        return [v.strip() for v in self[name].split(" ; ") if v.strip()]

    def problem(self, message: str) -> InputError:
        return InputError(Problem(message, self.path, self.line))


def read_rows(path: Path, required: list[str]) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(Problem(f"missing column(s): {', '.join(missing)}", path, 1))
        rows = []
        for data in reader:
            rows.append(Row(path, reader.line_num, data))
    return rows
