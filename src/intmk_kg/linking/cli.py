"""`intmk-kg export ...`: the linking exports of the current release, written to a file or stdout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..project import Project

DIST_OPTION = click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Release folder (default: the project's dist/).")
OUT_OPTION = click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="Write to this file instead of standard output.")


def _select(dist: Path | None):
    from ..release import load_store, open_release
    from .index import store_select

    try:
        release = open_release(dist or Project.at().dist_dir)
    except FileNotFoundError as e:
        raise click.ClickException(str(e)) from None
    return store_select(load_store(release))


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


def _date(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-04-24") from None


@click.group()
def export() -> None:
    """Exports for Wikidata: QuickStatements and a Mix'n'match catalogue."""


@export.command()
@DIST_OPTION
@OUT_OPTION
@click.option("--retrieved", callback=_date, default=None,
              help="Retrieved date (S813), YYYY-MM-DD, for references to documents without a date of their own "
                   "(default: none; a document's own date is always used where the registry gives one).")
def quickstatements(dist: Path | None, out: Path | None, retrieved: str | None) -> None:
    """QuickStatements v1 creating Wikidata items for the IntMK conferences that lack one."""
    from .quickstatements import quickstatements as make

    _emit(make(_select(dist), retrieved), out)


@export.command()
@DIST_OPTION
@OUT_OPTION
def mixnmatch(dist: Path | None, out: Path | None) -> None:
    """Mix'n'match catalogue (CSV: id, name, description, url, type) of our entities."""
    from .index import build_index
    from .mixnmatch import catalogue

    _emit(catalogue(build_index(_select(dist))), out)
