"""Precision@1 of the reconciliation service on bench/reconcile_queries.tsv.

    .venv/bin/python bench/reconcile_quality.py [--dist DIST]

Reads the current release of DIST (default: the project's dist/; built there first if missing), asks the
core reconciliation (the same code /reconcile runs) each query of the table, and prints one line per
query (ok or MISS, the expected and the best candidate with its score) and the precision@1.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from intmk_kg.linking.index import build_index, store_select
from intmk_kg.linking.matching import parse_query, reconcile
from intmk_kg.project import Project
from intmk_kg.release import build, load_store, open_release

TABLE = Path(__file__).with_name("reconcile_queries.tsv")


def read_table(path: Path = TABLE) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=None, help="release folder (default: the project's dist/)")
    args = parser.parse_args()
    dist = args.dist or Project.at().dist_dir
    try:
        release = open_release(dist)
    except FileNotFoundError:
        release = build(Project.at(), dist)
    index = build_index(store_select(load_store(release)))

    rows = read_table()
    hits = 0
    for row in rows:
        raw = {"query": row["query"], **({"type": row["type"]} if row["type"] else {})}
        found = reconcile(index, parse_query(index, raw))
        best = found[0] if found else None
        ok = best is not None and best.entity.id == row["expected"]
        hits += ok
        got = f"{best.entity.id} ({best.score:g})" if best else "nothing"
        print(f"{'ok  ' if ok else 'MISS'} {row['query']!r:45} expected {row['expected']:40} got {got}  [{row['what it tests']}]")
    print(f"\nprecision@1 = {hits}/{len(rows)} = {hits / len(rows):.3f} (release {release.version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
