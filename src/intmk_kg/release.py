"""Build a release (validated graph, dumps, VoID/DCAT, checksums) and open the current one.

Layout of an output folder:

    dist/releases/<version>/   one immutable folder per release (version = content hash), holding the
                               files release.json lists: dumps, metadata, exports, the name index and
                               gzip copies of the uncompressed downloads (sent as Content-Encoding)
    dist/current -> releases/<version>

A release is written to a hidden temporary folder, renamed into place when complete, and only
then does the `current` link move (an atomic rename of a new link). A build that fails or is
killed at any point leaves the previous release untouched and still current.

With a store path the build also leaves an on-disk Oxigraph store (named graphs plus their
union as default graph, bulk loaded from the N-Quads dump), which a server opens without parsing anything; it is
built beside its place and renamed into it, and carries the version of its release.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import io
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from . import namespaces as ns
from .dumps import (
    CONTEXT_FILE,
    DUMPS,
    ENCODED_MIN_BYTES,
    count_named_quads,
    graph_names,
    graph_nquads,
    write_context,
    write_dump,
    write_gzip_copy,
)
from .errors import InputError, Problem
from .inference import materialize_inferred
from .linking.exports import write_exports
from .linking.stored import INDEX_FILE
from .loader import ONTOLOGY_GRAPH, load_project, materialize_union
from .progress import Progress
from .project import Project
from .validation import ValidationResult, validate
from .void import VOID_PREFIXES, FileInfo, describe, statistics

RELEASES = "releases"
CURRENT = "current"
MANIFEST = "release.json"
KEEP_RELEASES = 3
STORE_MARKER = "intmk-release.json"
TEXTS = "texts"  # the folder of the verbatim source texts in a release
TEXT_MEDIA_TYPE = "text/plain; charset=utf-8"
SOURCE_TEXT = ns.ONT + "sourceText"
CHECKED_SUFFIX = ".checked.json"  # the record of a clean damage() check, beside each release folder
RACY_NS = 2_000_000_000  # files changed more recently than this are hashed at every check
GRAPH_SOURCE = "intmk-kg.nq.gz"  # the dump the served graph is loaded from
DUMP_LAYOUT = "dataset dumps: the union as default graph, then the named graphs"
SERVED_ALONE = frozenset({"dump", "export", "encoded"})  # kinds no route but /dumps/<name> reads


class ValidationFailed(Exception):
    def __init__(self, result: ValidationResult):
        self.result = result
        super().__init__(result.text())


@dataclass(frozen=True)
class Release:
    path: Path
    manifest: dict
    damaged: frozenset[str] = frozenset()  # files found damaged at start that only /dumps/ serves (open_release)

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    @property
    def downloads(self) -> list[dict]:
        """The files /dumps/ offers: all but the server's own index, the encoded copies of downloads
        and the verbatim texts (shown on their documents' pages)."""
        return [f for f in self.files if f.get("kind") not in ("index", "encoded", "text")]

    def plain_of(self, name: str) -> dict | None:
        """The gzip dump whose uncompressed content /dumps/<name> serves (`intmk-kg.nq` for `intmk-kg.nq.gz`)."""
        return next((f for f in self.downloads if f.get("plain", {}).get("name") == name), None)

    def encoded(self, name: str, encoding: str = "gzip") -> dict | None:
        """The published `encoding` copy of download `name` (releases built before copies existed have none)."""
        return next((f for f in self.files if f.get("kind") == "encoded" and f.get("identity") == name
                     and f.get("encoding") == encoding), None)

    def file(self, name: str) -> Path:
        return self.path / name


def content_version(store: ox.Store, progress: Progress | None = None) -> str:
    """A short hash of the named graphs, the builder's version and the dumps' layout: same input,
    same release (and a release folder written with another layout is never taken for this one).

    Graph by graph in name order, each graph as sorted N-Quads lines (the bytes of the N-Quads
    dump), so only one graph is ever held in memory and the order in which the store was filled
    does not matter.
    """
    h = hashlib.sha256(f"intmk-kg {__version__}\n{DUMP_LAYOUT}\n".encode())
    with (progress or Progress.silent()).stage("content version", count_named_quads(store), "quads") as stage:
        for g in graph_names(store):
            data, n = graph_nquads(store, g)
            h.update(data)
            stage.advance(n)
    return h.hexdigest()[:12]


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _file_info(folder: Path, name: str, media_type: str, encoding: str | None, title: str, dataset: bool) -> FileInfo:
    path = folder / name
    return FileInfo(name, media_type, encoding, path.stat().st_size, sha256_of(path), title, dataset)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        if path.is_dir():
            _fsync_tree(path)
            continue
        with path.open("rb") as f:
            os.fsync(f.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _plain_view(folder: Path, f: FileInfo) -> FileInfo:
    """The uncompressed content of a gzip dump, as /dumps/ serves it under the name without `.gz`
    (decompressed as it is sent, or gzip-encoded): its size and SHA-256, for the listing and VoID."""
    h, size = hashlib.sha256(), 0
    with gzip.open(folder / f.name, "rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            h.update(block)
            size += len(block)
    return FileInfo(f.name.removesuffix(".gz"), f.media_type, None, size, h.hexdigest(),
                    f"{f.title.removesuffix(', gzip')}, uncompressed (sent decompressed or gzip-encoded)", f.dataset)


def write_release_files(store: ox.Store, folder: Path, version: str, project: Project, progress: Progress) -> dict:
    dumps: list[FileInfo] = []
    for fmt in DUMPS:
        write_dump(store, fmt, folder / fmt.filename, progress)
        dumps.append(_file_info(folder, fmt.filename, fmt.media_type, fmt.content_encoding, fmt.title, fmt.dataset))
    progress("uncompressed views of the gzip dumps (size and SHA-256)")
    views = {f.name: _plain_view(folder, f) for f in dumps if f.encoding == "gzip" and f.name.endswith(".gz")}

    progress("ontology, shapes and JSON-LD context")
    ontology = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH)]
    ox.serialize(ontology, str(folder / "ontology.ttl"), ox.RdfFormat.TURTLE, prefixes=ns.PREFIXES)
    shapes: list[ox.Triple] = []
    for path in project.shapes_files():
        shapes.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    ox.serialize(stable_blank_nodes(shapes), str(folder / "shapes.ttl"), ox.RdfFormat.TURTLE, prefixes=ns.PREFIXES)
    write_context(folder / CONTEXT_FILE)
    extras = [
        _file_info(folder, "ontology.ttl", "text/turtle", None, "The IntMK ontology (OWL, Turtle)", False),
        _file_info(folder, "shapes.ttl", "text/turtle", None, "SHACL shapes (Turtle)", False),
        _file_info(folder, CONTEXT_FILE, "application/ld+json", None, "JSON-LD context", False),
    ]

    text_of = {name: document for document, name in write_texts(store, folder, project)}
    texts = [_file_info(folder, name, TEXT_MEDIA_TYPE, None, f"Verbatim text of {document}", False)
             for name, document in text_of.items()]

    progress("VoID and DCAT description")
    stats = statistics(store)
    void = [q.triple for q in describe(store, version, dumps + list(views.values()), stats=stats)]
    ox.serialize(void, str(folder / "void.ttl"), ox.RdfFormat.TURTLE, prefixes=VOID_PREFIXES)
    extras.append(_file_info(folder, "void.ttl", "text/turtle", None, "VoID and DCAT description", False))

    exports = [_file_info(folder, name, media, None, title, False)
               for name, media, title in write_exports(store, folder, progress=progress)]
    index = [_file_info(folder, INDEX_FILE, "application/vnd.sqlite3", None, "Name index of reconciliation (SQLite)", False)]

    progress("gzip copies of the uncompressed downloads")
    plain = [f for f in dumps + extras + exports if f.encoding is None and f.size >= ENCODED_MIN_BYTES]
    copies = [_file_info(folder, write_gzip_copy(folder / f.name).name, f.media_type, "gzip", f"{f.title}, gzip copy",
                         f.dataset) for f in plain]
    identity = {copy.name: f.name for copy, f in zip(copies, plain, strict=True)}

    def entry(f: FileInfo) -> dict:
        if f in copies:  # sent as Content-Encoding: gzip for its identity file, not a download of its own
            return {**f.__dict__, "kind": "encoded", "identity": identity[f.name]}
        kind = ("dump" if f in dumps else "export" if f in exports else "index" if f in index
                else "text" if f in texts else "metadata")
        if f.name in views:  # served decompressed under its name without .gz (no file of its own)
            view = views[f.name]
            plain = {"name": view.name, "size": view.size, "sha256": view.sha256, "title": view.title}
            return {**f.__dict__, "kind": kind, "plain": plain}
        if f in texts:  # read by the document's page, which marks the statements taken from it
            return {**f.__dict__, "kind": kind, "document": text_of[f.name]}
        return {**f.__dict__, "kind": kind}

    manifest = {
        "version": version,
        "builder": f"intmk-kg {__version__}",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "statistics": stats,
        "files": [entry(f) for f in dumps + extras + exports + index + texts + copies],
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in dumps + extras + exports + index + texts + copies)
    (folder / "SHA256SUMS").write_text(sums, encoding="ascii")
    return manifest


def stable_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples with each blank node renamed by the order it first appears in (the parser's ids
    are random at every build), so that the same files write the same bytes."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def named(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"b{len(names)}"))
        return term

    return [ox.Triple(named(t.subject), t.predicate, named(t.object)) for t in triples]


def write_texts(store: ox.Store, folder: Path, project: Project) -> list[tuple[str, str]]:
    """The verbatim texts the data links to their documents (`intmk:sourceText`, a file name in
    sources/), copied byte for byte to texts/ of the release: (document IRI, release file name)."""
    rows = store.query(f"SELECT DISTINCT ?doc ?name WHERE {{ ?doc <{SOURCE_TEXT}> ?name }} ORDER BY ?name ?doc")
    written: list[tuple[str, str]] = []
    for row in rows:
        document, name = row["doc"].value, row["name"].value
        source = project.sources_dir / name
        if "/" in name or "\\" in name or name.startswith(".") or not source.is_file():
            raise InputError([Problem(f"{document} names the verbatim text {name!r}, which is no file in sources/",
                                      project.sources_dir)])
        target = folder / TEXTS / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        written.append((document, f"{TEXTS}/{name}"))
    return written


def text_file(release: "Release", document: str) -> Path | None:
    """The release's verbatim text of a document, if the data links one (see write_texts)."""
    for f in release.files:
        if f.get("kind") == "text" and f.get("document") == document:
            return release.file(f["name"])
    return None


def _remove_stale_temporaries(releases: Path) -> None:
    for tmp in releases.glob(".*.tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _point_current(out: Path, version: str) -> None:
    link = out / f".{CURRENT}.tmp-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path(RELEASES) / version)
    os.replace(link, out / CURRENT)


def _prune(releases: Path, keep: str) -> None:
    olds = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in olds[KEEP_RELEASES - 1 :]:
        shutil.rmtree(old, ignore_errors=True)
        _checked_path(old).unlink(missing_ok=True)


def build(
    project: Project, out: Path | None = None, progress: Progress | None = None, data: Path | None = None,
    store: Path | None = None, shacl: str = "auto",
) -> Release:
    """Load, validate and publish. Raises InputError or ValidationFailed before writing anything.

    `data` replaces the project's data folder (e.g. a synthetic one); `store` also leaves an
    on-disk store of the release there; `shacl` picks the engine (see validation.ENGINES).
    """
    progress = progress or Progress.silent()
    out = (out or project.dist_dir).resolve()
    loaded = load_project(project, data=data, progress=progress)
    result = validate(loaded, project.shapes_files(), engine=shacl, progress=progress)
    if not result.conforms:
        raise ValidationFailed(result)
    materialize_inferred(loaded.store, progress)  # after SHACL, which validates what is asserted
    version = content_version(loaded.store, progress)
    releases = out / RELEASES
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(Problem(f"cannot create the output folder: {e.strerror}", out)) from None
    _remove_stale_temporaries(releases)
    final = releases / version
    if damage(final, thorough=True):  # missing, unfinished or damaged: (re)write it
        tmp = releases / f".{version}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir()
            write_release_files(loaded.store, tmp, version, project, progress)
            _fsync_tree(tmp)
            shutil.rmtree(final, ignore_errors=True)  # an incomplete folder of the same version
            os.rename(tmp, final)
        except BaseException as e:
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(e, OSError):  # a full disk, a read-only folder: say so, not a traceback
                raise InputError(Problem(f"cannot write the release ({e.strerror or e}); the previous release "
                                         "is still current", out)) from None
            raise
    else:
        progress(f"release {version} exists already; content unchanged")
    _point_current(out, version)
    _prune(releases, version)
    progress(f"release {version} is current")
    release = open_release(out)
    if store is not None:
        del loaded, result  # the on-disk store is loaded from the dumps: free the memory first
        write_store(release, store, progress)
        # The files written last were too recent to be recorded by open_release's check (the racy
        # window); minutes later they are not, so the first `serve` does not hash them again.
        damage(release.path)
    return release


def write_store(release: Release, path: Path, progress: Progress | None = None) -> None:
    """Bulk load the release into an on-disk store at `path` (replacing an older one of ours).

    Oxigraph's bulk loader reads the release's own N-Quads dump (the named graphs and their union
    as default graph) straight from the gzip file, so no quad passes through Python and the store
    holds exactly what was published. A release written before the N-Quads dump carried the union
    gets it from its N-Triples dump.
    """
    progress = progress or Progress.silent()
    path = Path(path).resolve()
    if _store_version(path) == release.version:
        progress(f"store {path} holds release {release.version} already")
        return
    if path.exists() and (not path.is_dir() or any(path.iterdir())) and _store_version(path) is None:
        raise InputError(Problem("exists and is not an intmk-kg store; refusing to replace it", path))
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    parts = [(release.file("intmk-kg.nq.gz"), ox.RdfFormat.N_QUADS)]
    if not _has_union(release):
        parts.append((release.file("intmk-kg.nt.gz"), ox.RdfFormat.N_TRIPLES))
    try:
        progress(f"on-disk store at {path}")
        with progress.stage("on-disk store", sum(f.stat().st_size for f, _ in parts), "bytes") as stage:
            disk = ox.Store(str(tmp))
            for file, fmt in parts:
                with file.open("rb") as raw, gzip.GzipFile(fileobj=_Counted(raw, stage), mode="rb") as f:
                    disk.bulk_load(f, fmt)
            disk.flush()
            del disk
            gc.collect()  # closes the store before its folder moves
        marker = {"version": release.version, "release_dir": str(release.path.parent.parent.resolve())}
        (tmp / STORE_MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        if path.exists():
            os.rename(path, old)
        os.rename(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _has_union(release: Release) -> bool:
    """Whether the release's N-Quads dump starts with the union as default graph (DUMP_LAYOUT)."""
    with gzip.open(release.file(GRAPH_SOURCE), "rb") as f:
        first = next(iter(ox.parse(f, format=ox.RdfFormat.N_QUADS)), None)
    return first is not None and isinstance(first.graph_name, ox.DefaultGraph)


class _Counted(io.RawIOBase):
    """A file whose reads advance a progress stage (by compressed bytes, which the total counts)."""

    def __init__(self, raw, stage):
        self.raw, self.stage = raw, stage

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.stage.advance(n or 0)
        return n


def _store_marker(path: Path) -> dict:
    """What `write_store` recorded in a store: its release's version and output folder."""
    try:
        marker = json.loads((Path(path) / STORE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marker if isinstance(marker, dict) else {}


def _store_version(path: Path, marker: dict | None = None) -> str | None:
    version = (_store_marker(path) if marker is None else marker).get("version")
    return version if isinstance(version, str) else None


def store_mismatch(path: Path, release: Release) -> str | None:
    """Why the store at `path` cannot serve `release` (None if it can), naming the option that fixes it."""
    marker = _store_marker(path)  # read once: a build may rewrite it meanwhile
    version = _store_version(path, marker)
    if version == release.version:
        return None
    if version is None:
        return f"holds no intmk-kg store, not release {release.version}: run `intmk-kg build --store {path}`"
    own = marker.get("release_dir")
    serve_own = (f"serve the store's own release with `--release-dir {own}`, or "
                 if isinstance(own, str) and (Path(own) / RELEASES / version).is_dir() else "")
    return (f"holds release {version}, not release {release.version} of {release.path.parent.parent}: "
            f"{serve_own}run `intmk-kg build --store {path}` to load this release into it")


def open_release(out: Path, serving: bool = False) -> Release:
    """The current release of an output folder (or a release folder itself).

    A damaged release is refused, except, for `serving`, damage confined to files that only
    /dumps/ serves (a dump other than the graph's source, an export, an encoded copy): the
    endpoint and the other files stay up, and the release names those files in `damaged` so
    that each answers 503 alone (docs/reliability.md).
    """
    out = Path(out)
    folder = out if (out / MANIFEST).is_file() else out / CURRENT
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise FileNotFoundError(f"no release in {out}: run `intmk-kg build` first")
    problems = damage(folder.resolve())
    damaged = frozenset(p.path.name for p in problems if p.path is not None)
    if problems and not (serving and damaged <= _served_alone(manifest_path)):
        raise InputError(problems + [Problem("the release is damaged: run `intmk-kg build` to write it again", out)])
    return Release(folder.resolve(), json.loads(manifest_path.read_text(encoding="utf-8")), damaged)


def _served_alone(manifest_path: Path) -> frozenset[str]:
    """The files whose damage costs only their own download: no route but /dumps/<name> reads
    them, and the graph is not loaded from them."""
    try:
        files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
        return frozenset(f["name"] for f in files if f.get("kind") in SERVED_ALONE and f["name"] != GRAPH_SOURCE)
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def damage(folder: Path, thorough: bool = False) -> list[Problem]:
    """What is wrong with a release folder: its manifest unreadable, or a file missing or not
    matching the size and SHA-256 the manifest gives. A damaged release is refused, never served.

    Hashing gigabytes of dumps at every start would cost seconds, so a clean check is recorded
    beside the folder (each file's size, inode and change times, as git's index does) and later
    checks hash only files whose record differs; any write to a file changes its ctime. A file
    changed within the last seconds is never recorded: a coarse clock could give a write just
    after the check the same times (git's "racy clean" case). `thorough` hashes everything
    regardless (build and `intmk-kg verify`).
    """
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        str(manifest["version"])
        listed = [(f["name"], int(f["size"]), f["sha256"]) for f in manifest["files"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [Problem(f"no readable release manifest ({type(e).__name__}: {e})", manifest_path)]
    checked = {} if thorough else _read_checked(folder)
    settled = time.time_ns() - RACY_NS
    seen = {MANIFEST: _stat_key(manifest_path)}
    if checked.get(MANIFEST) != seen[MANIFEST]:
        checked = {}  # another manifest: its hashes were never compared with these files
    problems = []
    for name, size, sha256 in listed:
        path = folder / name
        if not path.is_file():
            problems.append(Problem("is missing", path))
            continue
        key = _stat_key(path)
        if key[0] != size or (checked.get(name) != key and sha256_of(path) != sha256):
            problems.append(Problem(f"does not match its size and SHA-256 in {MANIFEST}", path))
        seen[name] = key
    bad = {p.path.relative_to(folder).as_posix() for p in problems}  # not recorded: hashed again at the next check
    _write_checked(folder, {name: key for name, key in seen.items() if key[-1] < settled and name not in bad})
    return problems


def _stat_key(path: Path) -> list[int]:
    s = path.stat()
    return [s.st_size, s.st_ino, s.st_dev, s.st_mtime_ns, s.st_ctime_ns]


def _checked_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}{CHECKED_SUFFIX}"


def _read_checked(folder: Path) -> dict:
    try:
        record = json.loads(_checked_path(folder).read_text(encoding="utf-8"))
        return record if isinstance(record, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_checked(folder: Path, record: dict) -> None:
    """Best effort: a read-only parent only means the next start hashes again."""
    path = _checked_path(folder)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(record) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def load_store(release: Release, store: ox.Store | None = None) -> ox.Store:
    """The release's named graphs in a store, plus their union (each triple once) as default graph,
    which the N-Quads dump carries (a release written before it did gets it computed)."""
    store = store if store is not None else ox.Store()
    with gzip.open(release.file(GRAPH_SOURCE), "rb") as f:
        store.load(f, format=ox.RdfFormat.N_QUADS)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None:
        materialize_union(store)
    return store
