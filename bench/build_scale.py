"""Build time and peak memory per size: `intmk-kg synth`, then `intmk-kg build --data` on it.

    .venv/bin/python bench/build_scale.py --sizes 100k 1M --work /tmp/intmk-scale [--store] [--shacl turbo]

Each build runs as its own process (the real command line). Peak RSS is measured two ways:
the build process itself (getrusage of the waited-for child) and the whole process tree
(the build plus its validation workers), sampled from /proc every 0.2 s. CPU time (user +
system, workers included) is given beside wall time, since on a shared machine wall time
depends on what else runs; the load average at the start of each build is recorded too. The time of every
stage comes from the build's own progress lines. Results are printed as a Markdown table and
appended as JSON lines to WORK/results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

CLI = str(Path(sys.executable).with_name("intmk-kg"))
STAGE_DONE = re.compile(r"^\[\s*[\d.]+s\] (?P<stage>.+?): (?:[\d,.]+ \w+ )?in (?P<t>\d+m\d{2}s|[\d.]+s)$")


def size(text: str) -> int:
    factor = {"k": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("kM")) * factor)


def seconds(text: str) -> float:
    if "m" in text:
        minutes, rest = text.split("m")
        return int(minutes) * 60 + float(rest.rstrip("s"))
    return float(text.rstrip("s"))


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_build(args: list[str], max_rss: float) -> dict:
    peak = [0]
    start = time.monotonic()
    proc = subprocess.Popen([CLI, "build", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group: the workers go with it
    output: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=n, s=s: output.__setitem__(n, s.read()), daemon=True)
               for n, s in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for r in readers:
        r.start()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(proc.pid))
            if peak[0] > max_rss:  # a shared machine: stop before others run out of memory
                os.killpg(proc.pid, signal.SIGKILL)
                return
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)  # this build's own peak, not that of earlier builds
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    done.set()
    for thread in readers + [sampler]:
        thread.join()
    if peak[0] > max_rss:
        raise SystemExit(f"stopped: the build used more than {max_rss / 2**30:.1f} GiB\n{output['stderr'][-2000:]}")
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{output['stderr'][-3000:]}")
    stages: dict[str, float] = {}
    for line in output["stderr"].splitlines():
        m = STAGE_DONE.match(line)
        if m:
            stages[m["stage"]] = stages.get(m["stage"], 0.0) + seconds(m["t"])
    return {"wall_s": round(wall, 1), "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_tree_mib": round(peak[0] / 2**20),
            "peak_build_mib": round(usage.ru_maxrss / 1024), "stages": stages, "summary": output["stdout"].strip()}


def versions() -> dict:
    from importlib.metadata import version

    return {"python": platform.python_version(), **{p: version(p) for p in
            ("pyoxigraph", "pyshacl", "pyshacl-turbo", "rdflib", "intmk-kg")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["100k", "1M"], help="e.g. 100k 1M 10M")
    ap.add_argument("--work", type=Path, required=True, help="folder for synthetic data, releases and stores")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--store", action="store_true", help="also write the on-disk store (build --store)")
    ap.add_argument("--shacl", default="auto", choices=["auto", "pyshacl", "turbo"])
    ap.add_argument("--max-rss-gib", type=float, default=16.0, help="stop a build whose process tree grows past this")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, {os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.0f} GiB; "
          f"load average {os.getloadavg()[0]:.1f}; {json.dumps(versions())}", flush=True)
    rows = []
    for text in a.sizes:
        n = size(text)
        data = a.work / f"data-{text}-seed{a.seed}"
        if not (data / "synth.json").is_file():
            shutil.rmtree(data, ignore_errors=True)
            t = time.monotonic()
            subprocess.run([CLI, "synth", "--triples", str(n), "--out", str(data), "--seed", str(a.seed)], check=True)
            print(f"synth {text}: {time.monotonic() - t:.1f}s", flush=True)
        out = a.work / f"dist-{text}"
        shutil.rmtree(out, ignore_errors=True)
        args = ["--data", str(data), "--out", str(out), "--shacl", a.shacl]
        if a.store:
            shutil.rmtree(a.work / f"store-{text}", ignore_errors=True)
            args += ["--store", str(a.work / f"store-{text}")]
        result = {"size": text, "load_average": round(os.getloadavg()[0], 1), "store": a.store, "shacl": a.shacl,
                  **run_build(args, a.max_rss_gib * 2**30)}
        rows.append(result)
        with (a.work / "results.jsonl").open("a") as f:
            f.write(json.dumps(result) + "\n")
        print(json.dumps(result), flush=True)
    stage_names = list(dict.fromkeys(s for r in rows for s in r["stages"]))
    print("\n| size | wall s | CPU s | load avg | peak RSS build MiB | peak RSS with workers MiB | "
          + " | ".join(stage_names) + " |")
    print("|---" * (6 + len(stage_names)) + "|")
    for r in rows:
        cells = [r["size"], r["wall_s"], r["cpu_s"], r["load_average"], r["peak_build_mib"], r["peak_tree_mib"]]
        cells += [f"{r['stages'].get(s, 0):.1f}" for s in stage_names]
        print("| " + " | ".join(str(c) for c in cells) + " |")


if __name__ == "__main__":
    main()
