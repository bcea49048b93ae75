"""Run public SPARQL queries in forked processes that can be killed.

pyoxigraph cannot cancel a running query from Python, so each web worker keeps a small pool
of query processes, forked after the store is loaded so that they share it copy-on-write. A
request borrows one; past the timeout the process is killed (SIGKILL) and replaced, and the
request is answered 503 while the other processes go on serving. A query process may grow by
QUERY_MEMORY_MB at most (RLIMIT_AS), and where Linux allows it runs in a network namespace of
its own with no interface up, so even a query that slipped past the guard could not reach
another host. Internal lookups (select, construct, ask) stay in-process: they are our own, and so
do public queries of the bounded subset of subset.py (unless ISOLATE is "all"), which need none of
this and would pay more for the trip than for the query.

The query processes, replacements included, are forked by the worker's fork server
(spawner.py), a single-threaded process made before the worker has clients or other threads. So
no query process holds a client's connection, and none can inherit an engine lock held by a
thread of the worker: lookups need no gate against forks, and never wait for one.

Admission is bounded: when no process is free, WAITING_PER_PROCESS queries per process may wait
for one, each holding a request thread up to the timeout. Beyond those, a query is answered 503
with Retry-After at once if no process came free in the last TURNOVER_SECONDS (they are stuck in
long queries), or after waiting that long at most if they turn over (a burst of short queries,
e.g. canned query pages, whose wait is milliseconds). So runaway queries hold at most
2 x QUERY_PROCESSES request threads for long, and web_threads keeps PAGE_THREADS besides.
"""

from __future__ import annotations

import ctypes
import functools
import json
import logging
import os
import resource
import select
import signal
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..embedded import EmbeddedService
from ..service import Dataset, QueryAborted, QueryBusy, QueryError, QueryOutcome, QueryTimeout
from . import Hooks
from .inline import INLINE_RESULT_BYTES, InlineLane, Outgrown
from .spawner import PR_SET_PDEATHSIG, PRCTL, RESET_SIGNALS, Spawned, Spawner, SpawnerGone
from .subset import inline_safe

log = logging.getLogger(__name__)

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
UNSHARE = ctypes.CDLL(None, use_errno=True).unshare  # looked up here, so a forked child never calls the dynamic loader
STARTUP_SECONDS = 10
RETRY_AFTER_SECONDS = 5  # Retry-After of a query refused because every process is busy and enough wait
PAGE_THREADS = 4  # request threads per worker that no query to a query process can hold
WAITING_PER_PROCESS = 1  # queries that may wait (up to the timeout) for a busy query process, per process
TURNOVER_SECONDS = 0.5  # beyond those, a query waits this long if processes came free lately, else is refused


ISOLATE = ("heavy", "all")  # which queries go to a query process; "heavy": all but subset.inline_safe ones


def web_threads(query_processes: int) -> int:
    """Request threads per web worker (gunicorn's gthread): one per query process running, one per query
    that may wait for a process (QueryPool), and PAGE_THREADS for pages, lookups and inline queries."""
    return (1 + WAITING_PER_PROCESS) * max(1, query_processes) + PAGE_THREADS


@dataclass(frozen=True)
class Job:
    text: str
    result_format: str
    dataset: Dataset


Runner = Callable[[Job], QueryOutcome]


class IsolatedService:
    """The QueryService of the server: `execute` in a killable process (or inline), lookups in-process."""

    def __init__(self, inner: EmbeddedService, timeout: float, processes: int, memory_mb: int, max_result_bytes: int,
                 isolate: str = "heavy", hooks: Hooks | None = None):
        if isolate not in ISOLATE:
            raise ValueError(f"isolate must be one of {', '.join(ISOLATE)}, not {isolate!r}")
        self.inner = inner
        self.timeout = timeout
        self.processes = max(1, processes)
        self.memory_mb = memory_mb
        self.max_result_bytes = max_result_bytes
        self.isolate = isolate
        self._lock = threading.Lock()
        self._pool: QueryPool | None = None
        self._pool_owner = 0
        self.hooks = hooks or Hooks()
        self._lane = InlineLane(self._run_inline, self.hooks)

    @classmethod
    def from_config(cls, inner: EmbeddedService, config, hooks: Hooks | None = None) -> "IsolatedService":
        return cls(inner, float(config["TIMEOUT"]), int(config["QUERY_PROCESSES"]), int(config["QUERY_MEMORY_MB"]),
                   int(config["MAX_RESULT_BYTES"]), str(config["ISOLATE"]), hooks)

    @property
    def version(self) -> str:
        return self.inner.version

    def select(self, text: str):
        return self.inner.select(text)

    def construct(self, text: str):
        return self.inner.construct(text)

    def ask(self, text: str) -> bool:
        return self.inner.ask(text)

    def graph_names(self) -> list[str]:
        return self.inner.graph_names()

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset()) -> QueryOutcome:
        job = Job(text, result_format, dataset)
        if self.isolate == "heavy" and dataset == Dataset() and inline_safe(text):
            outcome = self._lane.run(job, self.timeout)  # None: the lane is full or the answer outgrew it
            if outcome is not None:
                return outcome
        return self.pool().run(job, self.timeout)

    def pool(self, closing: Iterable[int] = ()) -> "QueryPool":
        """This process's pool and its fork server, made in gunicorn's `post_fork` (or on first use
        without gunicorn); `closing`: descriptors the fork server must not keep (the listening sockets)."""
        with self._lock:
            if self._pool is None or self._pool_owner != os.getpid():
                spawner = Spawner(functools.partial(_serve, run=self._run, memory_mb=self.memory_mb), closing)
                self._pool = QueryPool(spawner, self.processes, retire=self.hooks.retire)
                self._pool_owner = os.getpid()
            return self._pool

    def overrunning(self) -> int:
        """Requests of this process waiting for an inline query the watchdog has given up on."""
        return self._lane.overrunning()

    def _run(self, job: Job) -> QueryOutcome:
        return self.inner.execute(job.text, job.result_format, job.dataset, limit=self.max_result_bytes)

    def _run_inline(self, job: Job) -> QueryOutcome:
        """In a lane thread of the web worker: the engine's errors read as in a query process; an answer
        past the lane's cap is left to a query process, so the worker never holds a large one."""
        limit = min(INLINE_RESULT_BYTES, self.max_result_bytes)
        try:
            return self.inner.execute(job.text, job.result_format, job.dataset, limit=limit)
        except QueryAborted:
            if limit < self.max_result_bytes:
                raise Outgrown from None
            raise
        except (OSError, RuntimeError, ValueError) as e:
            raise QueryError(f"The query could not be evaluated: {e}") from None


class QueryPool:
    """The worker's query processes; at most `waiting` queries wait for a free one, the next is refused."""

    def __init__(self, spawner: Spawner, size: int, waiting: int | None = None,
                 retire: Callable[[str], None] = Hooks.retire):
        self._spawner = spawner
        self._retire = retire
        self.waiting_most = WAITING_PER_PROCESS * size if waiting is None else waiting
        self._cond = threading.Condition()
        self._idle: list[QueryProcess] = []
        self._waiting = 0
        self._freed = time.monotonic()  # when a process last came free
        for _ in range(size):
            self._idle.append(self._spawn())

    def _spawn(self) -> "QueryProcess":
        try:
            proc = QueryProcess.start(self._spawner.spawn())
        except SpawnerGone as e:
            self._retire(str(e))  # no more query processes here: let gunicorn start a fresh worker
            raise QueryAborted("A query process could not be started; try again later.") from None
        except OSError:
            raise QueryAborted("A query process could not be started; try again later.") from None
        if not proc.offline:
            log.warning("query process %d could not leave the network (no user namespaces here); "
                        "SERVICE is still refused by the query guard", proc.pid)
        return proc

    def run(self, job: Job, timeout: float) -> QueryOutcome:
        deadline = time.monotonic() + timeout
        proc = self._borrow(timeout)
        try:
            if not proc.alive():
                proc = self._spawn()  # it died while idle (killed from outside): not this query's fault
            return proc.run(job, deadline, timeout)
        finally:
            self._replace_if_dead(proc)

    def _replace_if_dead(self, proc: "QueryProcess") -> None:
        """Give the process back, or a replacement; if none can be made, the slot would be lost for
        good (the pool emptying one failure at a time), so the worker retires and gunicorn starts a
        fresh one with a full pool."""
        if proc.alive():
            self._give_back(proc)
            return
        try:
            self._give_back(self._spawn())
        except QueryAborted:
            self._retire("a query process could not be replaced")
            raise

    def _borrow(self, timeout: float) -> "QueryProcess":
        with self._cond:
            wait = timeout
            if not self._idle and self._waiting >= self.waiting_most:
                if time.monotonic() - self._freed > TURNOVER_SECONDS:
                    raise self._busy()  # the processes are stuck in long queries: do not hold a thread
                wait = min(timeout, TURNOVER_SECONDS)  # they come free often (short queries): a short wait
            self._waiting += 1
            try:
                if not self._cond.wait_for(lambda: self._idle, wait):
                    if wait < timeout:
                        raise self._busy()
                    raise QueryTimeout(f"All query processes stayed busy for {timeout:g} s; try again later.")
                return self._idle.pop()
            finally:
                self._waiting -= 1

    def _busy(self) -> QueryBusy:
        return QueryBusy(f"All query processes are busy and {self._waiting} more queries wait for one; "
                         f"try again in a few seconds.", RETRY_AFTER_SECONDS)

    def _give_back(self, proc: "QueryProcess") -> None:
        with self._cond:
            self._idle.append(proc)
            self._freed = time.monotonic()
            self._cond.notify()


class QueryProcess:
    """One query process and the two pipes to it.

    Messages are length-prefixed frames on raw pipes: a job is one JSON frame, an answer a JSON
    header and a body frame written at once. multiprocessing's pickled Connection cost about three
    times as much CPU per query, which light queries felt (docs/performance.md).
    """

    def __init__(self, spawned: Spawned, offline: bool):
        self.pid = spawned.pid
        self.pidfd = spawned.pidfd
        self.jobs = spawned.jobs  # write end, to the process
        self.answers = spawned.answers  # read end, from the process
        self.offline = offline
        self._dead = False
        self._poll = select.poll()
        self._poll.register(self.answers, select.POLLIN)
        self._reader = FrameReader(self.answers)

    @classmethod
    def start(cls, spawned: Spawned) -> "QueryProcess":
        """A process the fork server has just forked, once it says it is ready."""
        proc = cls(spawned, offline=False)
        try:
            proc.offline = proc._frame(time.monotonic() + STARTUP_SECONDS, STARTUP_SECONDS) == b"offline"
        except (EOFError, OSError, QueryTimeout):
            proc.kill()
            raise OSError(f"query process {proc.pid} did not start") from None
        return proc

    def alive(self) -> bool:
        """Between queries: a process that has ended shows as EOF (POLLHUP) on its answer pipe."""
        if not self._dead and self._poll.poll(0):  # an idle process sends nothing; any event means it ended
            self.kill()
        return not self._dead

    def kill(self) -> None:
        if self._dead:
            return
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except OSError:
                pass  # it has ended already
        self._close()

    def _close(self) -> None:
        self._dead = True
        for fd in (self.jobs, self.answers, self.pidfd):
            if fd is None:
                continue
            try:
                os.close(fd)
            except OSError:
                pass

    def run(self, job: Job, deadline: float, timeout: float) -> QueryOutcome:
        try:
            _write_frames(self.jobs, json.dumps([job.text, job.result_format, job.dataset.default_graphs,
                                                  job.dataset.named_graphs]).encode())
            status, *detail = json.loads(self._frame(deadline, timeout))
            if status == "ok":
                media_type, kind = detail
                return QueryOutcome(self._frame(deadline, timeout), media_type, kind)
        except (EOFError, OSError, ValueError):
            self.kill()
            raise QueryAborted(
                "The query process stopped before it answered (it may have run out of memory or been killed); "
                "the next query runs in a fresh process."
            ) from None
        if status == "error":
            raise QueryError(detail[0])
        raise QueryAborted(detail[0])

    def _frame(self, deadline: float, timeout: float) -> bytes:
        """The next frame from the process; past the deadline the process is killed (QueryTimeout)."""
        def wait() -> None:
            left = deadline - time.monotonic()
            if left <= 0 or not self._poll.poll(left * 1000):
                self.kill()
                raise QueryTimeout(f"The query ran longer than {timeout:g} s and was stopped; narrow it or add a LIMIT.")

        return self._reader.frame(wait)


FRAME = struct.Struct("<Q")
PIPE_CHUNK = 1 << 16  # a pipe's capacity; larger reads cost an mmap each, even when little is waiting


def _write_frames(fd: int, *frames: bytes) -> None:
    data = memoryview(b"".join(part for frame in frames for part in (FRAME.pack(len(frame)), frame)))
    while data:
        data = data[os.write(fd, data):]


class FrameReader:
    """Frames from a pipe, read in large chunks: one read usually brings a whole answer."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()

    def frame(self, wait: Callable[[], None] = lambda: None) -> bytes:
        size = FRAME.unpack(self._take(FRAME.size, wait))[0]
        return self._take(size, wait)

    def _take(self, n: int, wait: Callable[[], None]) -> bytes:
        while len(self.buffer) < n:
            wait()
            chunk = os.read(self.fd, min(max(PIPE_CHUNK, n - len(self.buffer)), 1 << 20))
            if not chunk:
                raise EOFError
            self.buffer += chunk
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data


def _serve(jobs: int, answers: int, parent_pid: int, run: Runner, memory_mb: int) -> None:
    """The loop of a query process: one job at a time, answered as a header and a body."""
    for name in RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)  # the web worker's handlers are not ours
    PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)  # it dies with the fork server, which dies with the worker
    if os.getppid() != parent_pid:
        return  # the fork server is already gone
    _limit_memory(memory_mb)
    offline = UNSHARE(CLONE_NEWUSER | CLONE_NEWNET) == 0 or UNSHARE(CLONE_NEWNET) == 0
    _write_frames(answers, b"offline" if offline else b"online")
    reader = FrameReader(jobs)
    while True:
        try:
            text, result_format, defaults, nameds = json.loads(reader.frame())
        except EOFError:
            return
        job = Job(text, result_format, Dataset(tuple(defaults), tuple(nameds)))
        try:
            outcome = run(job)
        except QueryError as e:
            _write_frames(answers, json.dumps(["error", str(e)]).encode())
        except QueryAborted as e:
            _write_frames(answers, json.dumps(["aborted", str(e)]).encode())
        except MemoryError:
            _write_frames(answers, json.dumps(
                ["aborted", f"The query needed more than the {memory_mb} MiB a query may use; ask for less."]).encode())
        except (OSError, RuntimeError, ValueError) as e:  # evaluation errors raised by the engine
            _write_frames(answers, json.dumps(["error", f"The query could not be evaluated: {e}"]).encode())
        else:
            _write_frames(answers, json.dumps(["ok", outcome.media_type, outcome.kind]).encode(), outcome.body)


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at its size now (the shared store included) plus memory_mb."""
    with open("/proc/self/status", encoding="ascii") as f:
        size_kb = next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))
    soft = size_kb * 1024 + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
