"""A synthetic release built by the CLI (`intmk-kg synth`, then `build --data`), for tests that need
more entities or links than the project's graph has."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CLI = str(Path(sys.executable).with_name("intmk-kg"))
ROOT = Path(__file__).resolve().parents[1]


def build_synthetic_release(folder: Path, triples: int) -> Path:
    """The dist folder of a release of about `triples` synthetic triples (70,000: ~6,900 entities,
    topics with ~460 incoming links; about 10 s)."""
    subprocess.run([CLI, "synth", "--home", str(ROOT), "--triples", str(triples), "--out", str(folder / "data")],
                   check=True, capture_output=True)
    subprocess.run([CLI, "build", "--home", str(ROOT), "--data", str(folder / "data"), "--out", str(folder / "dist"),
                    "--quiet"], check=True, capture_output=True)
    return folder / "dist"
