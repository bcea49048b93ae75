"""Faults, the short version: each scenario of bench/faults.py with 2-3 runs.

The long version (`.venv/bin/python bench/faults.py --runs 10`) runs the same functions longer;
docs/reliability.md has its figures. A query process killed mid-query is also covered by
test_serve.py; here it runs twice on a server with two workers, next to a killed web worker.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from intmk_kg import release as release_module
from intmk_kg.cli import main
from intmk_kg.errors import InputError
from intmk_kg.release import damage, open_release

pytestmark = pytest.mark.slow  # killed builds, full disks, runaway queries under load

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_faults", ROOT / "bench" / "faults.py")
faults = importlib.util.module_from_spec(_spec)
sys.modules["bench_faults"] = faults  # dataclasses look their module up there
_spec.loader.exec_module(faults)


def test_killed_builds_leave_a_complete_current_release(tmp_path):
    outcome = faults.killed_builds(tmp_path, runs=3, seed=int(os.environ.get("FAULT_SEED", "7")), writing_only=True)
    assert outcome.runs == outcome.survived == 3


def test_a_query_process_killed_mid_query(start_server):
    server = start_server("--workers", "2", "--query-processes", "2")
    outcome = faults.killed_query_processes(server, runs=2)
    assert outcome.survived == 2


def test_a_web_worker_killed_mid_query(start_server):
    server = start_server("--workers", "2", "--query-processes", "1")
    outcome = faults.killed_web_workers(server, runs=2)
    assert outcome.survived == 2


def test_a_crash_query_beside_keep_alive_connections(start_server):
    server = start_server("--workers", "1", "--query-processes", "2")
    assert faults.crash_beside_keep_alive(server, runs=1, idle=10).survived == 1


def test_runaway_queries_beyond_the_admission_queue(start_server):
    server = start_server("--workers", "1", "--query-processes", "2", "--timeout", "4")
    outcome = faults.runaway_overflow(server, clients=16, duration=6)
    assert outcome.survived == 1, outcome.notes


def test_damaged_releases_stop_serve_with_a_clear_error(release, tmp_path):
    outcome = faults.damaged_releases(release.path, tmp_path)
    assert outcome.survived == len(faults.DAMAGES) == 5


def test_a_full_disk_ends_the_build_with_a_clear_error(tmp_path):
    assert faults.full_disk(tmp_path).survived == 1


def test_damage_names_each_problem(release, tmp_path):
    """The check behind the refusals, by hand: one changed byte, one missing file."""
    folder = tmp_path / "r"
    shutil.copytree(release.path, folder)
    assert damage(folder) == []
    data = bytearray((folder / "shapes.ttl").read_bytes())
    data[0] ^= 1
    (folder / "shapes.ttl").write_bytes(bytes(data))
    (folder / "context.jsonld").unlink()
    found = sorted(str(p) for p in damage(folder))
    assert found == [f"{folder / 'context.jsonld'}: is missing",
                     f"{folder / 'shapes.ttl'}: does not match its size and SHA-256 in release.json"]
    with pytest.raises(InputError, match="the release is damaged"):
        open_release(folder)


def _counting_hashes(monkeypatch) -> list[str]:
    hashed = []
    real = release_module.sha256_of
    monkeypatch.setattr(release_module, "sha256_of", lambda path: hashed.append(path.name) or real(path))
    return hashed


def test_a_clean_check_is_recorded_so_the_next_start_hashes_nothing(release, tmp_path, monkeypatch):
    """Start-up cost at 10M: the dumps are hashed once; later checks compare sizes and change times."""
    folder = tmp_path / "r"
    shutil.copytree(release.path, folder)
    hashed = _counting_hashes(monkeypatch)
    assert damage(folder) == []
    assert len(hashed) == len(release.files), "files changed seconds ago are always hashed"
    monkeypatch.setattr(release_module, "RACY_NS", 0)  # as if the copy were older than the racy window
    hashed.clear()
    assert damage(folder) == [] and len(hashed) == len(release.files)
    hashed.clear()
    assert damage(folder) == [] and hashed == []
    time.sleep(0.05)  # past the clock tick of the check, so that the write gets another ctime
    data = bytearray((folder / "intmk-kg.ttl").read_bytes())
    data[-2] ^= 1  # same size, other content
    (folder / "intmk-kg.ttl").write_bytes(bytes(data))
    assert [str(p) for p in damage(folder)] == [
        f"{folder / 'intmk-kg.ttl'}: does not match its size and SHA-256 in release.json"]
    assert hashed == ["intmk-kg.ttl"]


def test_verify_hashes_every_file_whatever_was_recorded(release, tmp_path, monkeypatch):
    folder = tmp_path / "r"
    shutil.copytree(release.path, folder)
    monkeypatch.setattr(release_module, "RACY_NS", 0)
    assert damage(folder) == []
    hashed = _counting_hashes(monkeypatch)
    result = CliRunner().invoke(main, ["verify", "--release-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert f"release {release.version}: every file matches" in result.output
    assert sorted(hashed) == sorted(Path(f["name"]).name for f in release.files)  # texts/ files by their own name
    time.sleep(0.05)
    (folder / "void.ttl").write_bytes((folder / "void.ttl").read_bytes()[:-1] + b"#")
    result = CliRunner().invoke(main, ["verify", "--release-dir", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'void.ttl'}: does not match its size and SHA-256" in result.output


def test_a_damaged_release_is_written_again_by_the_next_build(project, tmp_path):
    from intmk_kg.release import build

    out = tmp_path / "dist"
    first = build(project, out)
    (first.path / "intmk-kg.ttl").write_bytes(b"spoilt")
    with pytest.raises(InputError):
        open_release(out)
    again = build(project, out)  # same content, same version: the damaged folder is replaced
    assert again.version == first.version and damage(again.path) == []


def test_a_dangling_current_link_is_rebuilt_by_serve(start_server, tmp_path, release_dir):
    """No release at all is not damage: serve builds one (README), also when `current` dangles."""
    out = tmp_path / "dist"
    shutil.copytree(release_dir, out, symlinks=True)
    shutil.rmtree((out / "current").resolve())
    server = start_server("--release-dir", str(out), release=False)
    assert faults.ask(server, faults.SMALL) == (200, True)
    assert damage((out / "current").resolve()) == []


def test_load_with_a_runaway_query_beside_it(start_server, tmp_path):
    """bench/load.py for 4 seconds with 8 connections: no error but the runaway query's 503."""
    _load_spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    load = importlib.util.module_from_spec(_load_spec)
    _load_spec.loader.exec_module(load)
    server = start_server("--workers", "2", "--query-processes", "2", "--timeout", "2")
    row = load.measure(server, load.write_mix(server, tmp_path), connections=8, duration=4)
    assert row["requests"] > 0 and row["errors"] == 0, {k: row[k] for k in ("statuses", "socket_errors", "runaway") if k in row}
    assert set(row["statuses"]) <= {"200", "303"}, row["statuses"]
    assert set(row["runaway"]) == {"503"}, row["runaway"]
    assert faults.ask(server, faults.SMALL) == (200, True)


def test_a_build_with_a_store_leaves_every_file_recorded(project, tmp_path, monkeypatch):
    """The first `serve --store` after a build hashes nothing: the build settles its check record
    after the on-disk store, when even the files it wrote last are past the racy window."""
    from intmk_kg.release import build

    monkeypatch.setattr(release_module, "RACY_NS", 300_000_000)  # 0.3 s instead of 2 s
    real_write_store = release_module.write_store

    def slow_write_store(*args, **kwargs):
        real_write_store(*args, **kwargs)
        time.sleep(0.5)  # as the store of a large release takes minutes

    monkeypatch.setattr(release_module, "write_store", slow_write_store)
    built = build(project, tmp_path / "dist", store=tmp_path / "store")
    hashed = _counting_hashes(monkeypatch)
    assert damage(built.path) == []
    assert hashed == []
