"""Time the reconciliation endpoint on a worst-case batch: 50 queries of 200 characters, limit 100.

    .venv/bin/python bench/reconcile_speed.py [--dist DIST]

Runs in-process through the Flask test client (no network), so it measures parsing, candidate
retrieval and scoring; prints the seconds for that batch and for a batch of short real names.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from intmk_kg.web import create_app

WORDS = ("Integrationsministerkonferenz Niedersachsen Göttingen Konferenz der für Integration zuständigen "
         "Ministerinnen und Minister Senatorinnen Länder Berlin Hamburg Philippi").split()


def timed(client, batch: dict) -> float:
    start = time.perf_counter()
    response = client.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=None, help="release folder (default: the project's dist/)")
    args = parser.parse_args()
    app = create_app({"RELEASE_DIR": str(args.dist)} if args.dist else None)
    client = app.test_client()
    client.get("/reconcile")  # opens the name index (or builds it, for a release without the file)
    rng = random.Random(1)
    long_query = " ".join(rng.choice(WORDS) for _ in range(40))[:200]
    worst = {f"q{i}": {"query": long_query, "limit": 100} for i in range(50)}
    names = {f"q{i}": {"query": w} for i, w in enumerate(WORDS)}
    print(f"50 queries of 200 characters, limit 100: {timed(client, worst):.2f} s")
    print(f"{len(names)} single names: {timed(client, names):.2f} s")


if __name__ == "__main__":
    main()
