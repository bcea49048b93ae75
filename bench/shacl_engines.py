"""SHACL engines side by side on synthetic data with known violations: time, peak memory, agreement.

    .venv/bin/python bench/shacl_engines.py --sizes 20k 100k --work /tmp/intmk-shacl \\
        [--engines pyshacl turbo-batched turbo-whole]

Engines (each run in a fresh process, on the same data and shapes):
  pyshacl        the reference: pySHACL on the union as one rdflib graph (validation.validate, engine "pyshacl")
  turbo-batched  what the build uses above FAST_ABOVE: pyshacl-turbo on batches of source graphs in
                 parallel processes, SPARQL constraints on the store (validation.validate, engine "turbo")
  turbo-whole    pyshacl-turbo given the whole store in one call (needs all of it in its memory)
Each data set gets the violations of VIOLATIONS added (one small extra document); every engine
must report exactly those (focus, path, component) results, and the table says whether it did.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SH = "http://www.w3.org/ns/shacl#"
ID = "https://w3id.org/intmk/id/"
ONT = "https://w3id.org/intmk/ontology#"

VIOLATIONS = f"""@prefix intmk: <{ONT}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://w3id.org/intmk/graph/synth-bench-violations> {{
    <https://w3id.org/intmk/graph/synth-bench-violations> prov:wasDerivedFrom <{ID}document/synth-register> .
    <{ID}conference/synth-s00001-0002> intmk:ordinal 99 .
    <{ID}conference/synth-bench-dup> a intmk:Conference ; rdfs:label "Doppelt"@de , "duplicate"@en ;
        intmk:ordinal 3 ; intmk:partOfSeries <{ID}organisation/synth-s00001> .
    <{ID}person/synth-bench-nameless> a intmk:Person ; rdfs:label "Namenlos"@de , "nameless"@en .
    <{ID}resolution/synth-s00001-0001-1> intmk:cites <{ID}state/synth-ni> .
    <{ID}contact/synth-s00001-0001> intmk:email "not-an-email" .
}}
"""
EXPECTED = sorted([
    [f"{ID}conference/synth-s00001-0002", f"{ONT}ordinal", f"{SH}MaxCountConstraintComponent"],
    [f"{ID}conference/synth-bench-dup", None, f"{SH}SPARQLConstraintComponent"],
    [f"{ID}conference/synth-s00001-0003", None, f"{SH}SPARQLConstraintComponent"],
    [f"{ID}person/synth-bench-nameless", f"{ONT}name", f"{SH}MinCountConstraintComponent"],
    [f"{ID}resolution/synth-s00001-0001-1", f"{ONT}cites", f"{SH}ClassConstraintComponent"],
    [f"{ID}contact/synth-s00001-0001", f"{ONT}email", f"{SH}PatternConstraintComponent"],
], key=lambda r: [x or "" for x in r])


def size(text: str) -> int:
    return int(float(text.rstrip("kM")) * {"k": 1_000, "M": 1_000_000}.get(text[-1], 1))


def run_one(engine: str, data: Path) -> dict:
    import resource

    from intmk_kg.loader import load_project
    from intmk_kg.project import Project
    from intmk_kg.validation import validate

    project = Project.at(None)
    t0 = time.perf_counter()
    loaded = load_project(project, data=data)
    t1 = time.perf_counter()
    if engine == "turbo-whole":
        import pyoxigraph as ox
        import pyshacl_turbo

        from intmk_kg import fastshacl
        from intmk_kg.validation import NAMED_GRAPH, RDF_TYPE, shapes_graph

        store = loaded.store
        store.extend([ox.Quad(g, RDF_TYPE, NAMED_GRAPH) for g in store.named_graphs()])
        _, report, _ = pyshacl_turbo.validate(store, shacl_graph=shapes_graph(project.shapes_files()),
                                              inference="none", advanced=True, allow_warnings=True)
        results = [list(r[:2]) + [r[5]] for r in fastshacl.report_rows(report)]
    else:
        result = validate(loaded, project.shapes_files(), engine=engine.split("-")[0])
        results = [[v.focus, v.path, v.component] for v in result.violations]
    t2 = time.perf_counter()
    results = sorted({tuple(r) for r in results}, key=lambda r: [x or "" for x in r])
    return {"engine": engine, "load_s": round(t1 - t0, 1), "validate_s": round(t2 - t1, 1),
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "results": [list(r) for r in results], "as_expected": [list(r) for r in results] == EXPECTED}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["20k", "100k"])
    ap.add_argument("--engines", nargs="+", default=["pyshacl", "turbo-batched", "turbo-whole"])
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--one", nargs=2, metavar=("ENGINE", "DATA"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(run_one(a.one[0], Path(a.one[1]))))
        return
    cli = str(Path(sys.executable).with_name("intmk-kg"))
    rows = []
    for text in a.sizes:
        data = a.work / f"data-{text}"
        if not (data / "synth.json").is_file():
            shutil.rmtree(data, ignore_errors=True)
            subprocess.run([cli, "synth", "--triples", str(size(text)), "--out", str(data)], check=True)
        (data / "synth-bench-violations.trig").write_text(VIOLATIONS, encoding="utf-8")
        for engine in a.engines:
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, __file__, "--work", str(a.work), "--one", engine, str(data)],
                                    stdout=subprocess.PIPE, text=True)
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"{engine} on {text} failed")
            row = {"size": text, "wall_s": round(time.perf_counter() - start, 1),
                   "cpu_s": round(usage.ru_utime + usage.ru_stime, 1), "load_average": round(os.getloadavg()[0], 1),
                   **json.loads(out.strip().splitlines()[-1])}
            row["peak_mib"] = max(row["peak_mib"], round(usage.ru_maxrss / 1024))  # workers included
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "results"}), flush=True)
    print("\n| size | engine | load s | validate s | CPU s (with workers) | peak RSS MiB | results | = the injected |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']} | {r['engine']} | {r['load_s']} | {r['validate_s']} | {r['cpu_s']} | {r['peak_mib']} "
              f"| {len(r['results'])} | {'yes' if r['as_expected'] else 'NO'} |")


if __name__ == "__main__":
    main()
