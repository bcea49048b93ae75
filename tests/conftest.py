"""Shared fixtures: one release built per test session, the Flask app and its test client."""

from __future__ import annotations

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
