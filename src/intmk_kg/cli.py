"""The `intmk-kg` command: a thin face over the core (build, validate, query) and the server."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .errors import InputError
from .project import Project

HOME_OPTION = click.option(
    "--home", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Project folder with ontology/, shapes/ and data/ (default: this checkout or $INTMK_HOME).",
)


def _progress(quiet: bool):
    from .progress import Progress

    return Progress.silent() if quiet else Progress(sys.stderr)


def _fail_input(error: InputError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="intmk-kg")
def main() -> None:
    """The IntMK knowledge graph: build, validate, query and publish it."""


@main.command()
@HOME_OPTION
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: dist/ in the project). The release goes to OUT/current.")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Source folder to build instead of the project's data/ (e.g. from `intmk-kg synth`).")
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="Also leave an on-disk store of the release here (bulk loaded), for a server to open.")
@click.option("--shacl", type=click.Choice(["auto", "pyshacl", "turbo"]), default="auto",
              help="SHACL engine: pySHACL (the reference), pyshacl-turbo in parallel batches, or by size.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def build(home: Path | None, out: Path | None, data: Path | None, store: Path | None, shacl: str, quiet: bool) -> None:
    """Validate the graph and, only if it conforms, write a new release."""
    from .release import ValidationFailed
    from .release import build as build_release

    project = Project.at(home)
    try:
        release = build_release(project, out, _progress(quiet), data=data, store=store, shacl=shacl)
    except InputError as e:
        _fail_input(e)
    except ValidationFailed as e:
        click.echo(e.result.text(), err=True)
        click.echo("error: the data does not conform; nothing was published", err=True)
        sys.exit(1)
    stats = release.manifest["statistics"]
    click.echo(
        f"release {release.version}: {stats['triples']} triples ({stats['quads']} quads in {stats['graphs']} graphs), "
        f"{stats['entities']} entities, {stats['wikidata_links']} Wikidata links -> {release.path}"
    )


@main.command()
@HOME_OPTION
@click.option("--triples", type=click.IntRange(min=1), required=True, help="About how many triples to write.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="New (or empty) folder for the synthetic TriG files.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed and size, same bytes.")
def synth(home: Path | None, triples: int, out: Path, seed: int) -> None:
    """Write synthetic source documents that follow the ontology and pass the shapes."""
    from .synth import generate, ontology_topics

    try:
        summary = generate(out, triples, seed, ontology_topics(Project.at(home).ontology_files()))
    except (FileExistsError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{summary.triples} triples in {summary.graphs} graphs ({summary.conferences} conferences in "
               f"{summary.series} series, {summary.files} files) -> {out}")


@main.command()
@HOME_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "turtle"]), default="text",
              help="text: one line per result; turtle: the SHACL validation report graph.")
def validate(home: Path | None, fmt: str) -> None:
    """Check the data against the shapes; exit code 1 on any violation."""
    from .loader import load_project
    from .validation import validate as run_validation

    project = Project.at(home)
    try:
        result = run_validation(load_project(project), project.shapes_files())
    except InputError as e:
        _fail_input(e)
    if fmt == "turtle":
        click.echo(result.report.serialize(format="turtle"))
        for p in result.problems:
            click.echo(f"# integrity: {p}")
    else:
        click.echo(result.text())
    sys.exit(0 if result.conforms else 1)


def _query_text(arg: str) -> str:
    """The SPARQL of QUERY: a file's text if it names one, else the argument itself.

    A long inline query is no valid file name; asking the file system about it would fail.
    """
    path = Path(arg)
    try:
        is_file = path.is_file()
    except OSError:
        is_file = False
    if not is_file and arg.endswith(".rq"):
        raise click.ClickException(f"{arg}: no such query file")
    return path.read_text(encoding="utf-8") if is_file else arg


@main.command()
@HOME_OPTION
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]), default="table")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Release folder (default: the project's dist/).")
def query(home: Path | None, query: str, fmt: str, dist: Path | None) -> None:
    """Run QUERY (a .rq file or SPARQL text) against the built graph."""
    import pyoxigraph as ox

    from .query import format_result, run
    from .release import load_store, open_release

    text = _query_text(query)
    try:
        release = open_release(dist or Project.at(home).dist_dir)
    except FileNotFoundError as e:
        raise click.ClickException(str(e)) from None
    store = load_store(release)
    try:
        result = run(store, text)
        click.echo(format_result(result, fmt))
    except SyntaxError as e:
        click.echo(f"error: {query if query.endswith('.rq') else 'query'}: {e}", err=True)
        sys.exit(2)
    except OSError as e:  # evaluation errors from the engine
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    del ox


def _setting_options(command):
    """One --flag per row of the server's SETTINGS table (web/settings.py)."""
    from .web.settings import SETTINGS

    for s in reversed(SETTINGS):
        command = click.option(s.flag, s.name.lower(), type=s.type, default=s.default, show_default=True,
                               help=s.help)(command)
    return command


@main.command()
@HOME_OPTION
@click.option("--release-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder of `intmk-kg build` to serve (default: dist/ in the project; built if missing).")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="Serve these RDF files or folders instead of the IntMK release (repeat for several).")
@click.option("--store", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Query the release's on-disk store left by `intmk-kg build --store` (opened read-only, nothing parsed).")
@click.option("--backend", metavar="URL", default=None,
              help="Query a remote SPARQL endpoint holding the release (see `intmk-kg publish`) instead of a local store.")
@_setting_options
def serve(home: Path | None, release_dir: Path | None, data: tuple[Path, ...], store: Path | None,
          backend: str | None, **settings) -> None:
    """Serve the graph: linked-data pages and the SPARQL endpoint, under gunicorn.

    Safe to expose to the internet only behind nginx as in docs/deploy.md: on its own the server
    binds to loopback; a client that sends slowly is disconnected after --client-timeout, but many
    of them can still hold every request thread until then.
    """
    from .release import ValidationFailed
    from .server import run

    if data and (release_dir or store or backend):
        raise click.UsageError("--data and --release-dir, --store or --backend exclude each other: serve either RDF files or a release.")
    if store and backend:
        raise click.UsageError("--store and --backend exclude each other: the release is queried in one place.")
    config = {name.upper(): value for name, value in settings.items()}
    config.update(HOME=str(home) if home else None, RELEASE_DIR=str(release_dir) if release_dir else None,
                  DATA_PATHS=[str(p) for p in data] or None, STORE_PATH=str(store) if store else None,
                  BACKEND_URL=backend)
    try:
        run(config)
    except InputError as e:
        _fail_input(e)
    except ValidationFailed as e:
        click.echo(e.result.text(), err=True)
        click.echo("error: the data does not conform; there is no release to serve", err=True)
        sys.exit(1)


@main.command()
@HOME_OPTION
@click.option("--release-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder of `intmk-kg build` whose current release to send (default: dist/ in the project).")
@click.option("--to", "url", required=True, metavar="URL",
              help="SPARQL 1.1 Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph server).")
@click.option("--user", default=None, help="User name for the store; the password is read from $INTMK_KG_STORE_PASSWORD.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
def publish(home: Path | None, release_dir: Path | None, url: str, user: str | None, quiet: bool) -> None:
    """Upload the release to a remote store: one PUT per named graph, the union as default graph, the shapes."""
    from .publish import publish as send
    from .release import open_release

    try:
        release = open_release(release_dir or Project.at(home).dist_dir)
        done = send(release, url, user, _progress(quiet))
    except FileNotFoundError as e:
        raise click.ClickException(str(e)) from None
    except InputError as e:
        _fail_input(e)
    click.echo(f"release {release.version}: {done.triples} triples in {done.graphs} named graphs and the default graph "
               f"-> {url} ({done.requests} requests)")


@main.command()
@HOME_OPTION
@click.option("--release-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder of `intmk-kg build` whose current release to check (default: dist/ in the project).")
def verify(home: Path | None, release_dir: Path | None) -> None:
    """Hash every file of the current release against its manifest (serve checks sizes and change times)."""
    from .release import CURRENT, MANIFEST, damage

    out = release_dir or Project.at(home).dist_dir
    folder = (out if (out / MANIFEST).is_file() else out / CURRENT).resolve()
    if not (folder / MANIFEST).is_file():
        raise click.ClickException(f"no release in {out}: run `intmk-kg build` first")
    problems = damage(folder, thorough=True)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        click.echo("error: the release is damaged: run `intmk-kg build` to write it again", err=True)
        sys.exit(1)
    version = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["version"]
    click.echo(f"release {version}: every file matches its SHA-256 ({folder})")


DIST_OPTION = click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=None,
                           help="Release folder (default: the project's dist/).")
OUT_OPTION = click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="Write to this file instead of standard output.")


def _select(dist: Path | None):
    """SPARQL SELECT over the graph of the current release in `dist`."""
    from .linking.index import store_select
    from .release import load_store, open_release

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


@main.group()
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
    from .linking.quickstatements import quickstatements as make

    _emit(make(_select(dist), retrieved), out)


@export.command()
@DIST_OPTION
@OUT_OPTION
def mixnmatch(dist: Path | None, out: Path | None) -> None:
    """Mix'n'match catalogue (CSV: id, name, description, url, type) of our entities."""
    from .linking.index import build_index
    from .linking.mixnmatch import catalogue

    _emit(catalogue(build_index(_select(dist))), out)


if __name__ == "__main__":
    main()
