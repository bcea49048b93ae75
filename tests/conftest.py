"""Shared fixtures: one release built per test session, the Flask app and its test client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from intmk_kg.project import Project
from intmk_kg.release import build, load_store

ROOT = Path(__file__).resolve().parents[1]


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
