"""Shared fixtures: one release built per test session, the Flask app and its test client."""

from __future__ import annotations

import email.message
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import free_port

from intmk_kg.project import Project
from intmk_kg.release import build, load_store

ROOT = Path(__file__).resolve().parents[1]

SERVER_FIXTURES = {"live_server", "start_server"}


def pytest_collection_modifyitems(items):
    """Markers that follow from a test's fixtures, so that `-m "not slow"` needs no list to keep up.

    A test that uses a real `intmk-kg serve` (through `live_server` or `start_server`) is `server`;
    a `browser` test is also `slow` (Chromium takes seconds to start). Tests that start servers or
    nginx by other means, or take long for other reasons, carry their markers themselves.
    """
    for item in items:
        if SERVER_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.server)
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def project() -> Project:
    return Project.at(ROOT)


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory, project) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(project, out)
    return out


@pytest.fixture(scope="session")
def release(release_dir):
    from intmk_kg.release import open_release

    return open_release(release_dir)


@pytest.fixture(scope="session")
def store(release):
    return load_store(release)


@pytest.fixture(scope="session")
def app(release_dir):
    from intmk_kg.web import create_app

    return create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "HOME": str(ROOT)})


@pytest.fixture()
def client(app):
    return app.test_client()


FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture()
def make_project(tmp_path):
    """A throw-away project folder: this checkout's ontology and shapes plus the given fixture files.

    Fixtures are paths under tests/fixtures/; `data` files go to data/, `ontology` files join the
    ontology, `project` copies a whole mini-project from tests/fixtures/projects/ first.
    """

    def make(data=(), ontology=(), project=None, name="project") -> Path:
        home = tmp_path / name
        if project:
            shutil.copytree(FIXTURES / "projects" / project, home)
        (home / "data").mkdir(parents=True, exist_ok=True)
        (home / "ontology").mkdir()
        (home / "shapes").symlink_to(ROOT / "shapes")
        for path in sorted((ROOT / "ontology").glob("*.ttl")):
            (home / "ontology" / path.name).symlink_to(path)
        for folder, names in (("data", data), ("ontology", ontology)):
            for fixture in names:
                shutil.copy(FIXTURES / fixture, home / folder / Path(fixture).name)
        return home

    return make


# --- a real server: `intmk-kg serve` as the README starts it ----------------------------------


@dataclass
class LiveServer:
    url: str  # base URL, ending in /
    process: subprocess.Popen
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str = "GET", path: str = "sparql", params=None, body: bytes | None = None,
                headers: dict | None = None, timeout: float = 60) -> "Reply":
        """One plain HTTP request; an error status is returned, not raised."""
        url = self.url + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                return Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, e.headers, e.read())


@dataclass
class Reply:
    status: int
    headers: "email.message.Message"
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@pytest.fixture(scope="session")
def start_server(release_dir, tmp_path_factory):
    """Start `intmk-kg serve --port P --release-dir R [options]` and wait until it answers.

    With `release=False` no --release-dir is given (for --data); `env` adds environment variables.
    Every server started is terminated at the end of the session.
    """
    started: list[LiveServer] = []

    def start(*options: str, release: bool = True, env: dict[str, str] | None = None) -> LiveServer:
        port = free_port()
        log = tmp_path_factory.mktemp("serve") / "serve.log"
        command = [str(Path(sys.executable).with_name("intmk-kg")), "serve", "--port", str(port), *options]
        if release:
            command += ["--release-dir", str(release_dir)]
        with log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                       env={**os.environ, **env} if env else None)
        server = LiveServer(f"http://127.0.0.1:{port}/", process, log)
        started.append(server)
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"intmk-kg serve exited with {process.returncode}:\n{server.output()}")
            try:
                request = urllib.request.Request(server.sparql, headers={"Accept": "text/turtle"})
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return server
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"intmk-kg serve did not answer within 120 s:\n{server.output()}")
            time.sleep(0.1)

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="session")
def live_server(start_server) -> LiveServer:
    return start_server()


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium through Playwright (tests/browser.py), one per test module."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()
