"""Run public SPARQL queries in forked processes that can be killed.

pyoxigraph cannot cancel a running query from Python, so each web worker keeps a small pool
of query processes, forked after the store is loaded so that they share it copy-on-write. A
request borrows one; past the timeout the process is killed (SIGKILL) and replaced, and the
request is answered 503 while the other processes go on serving. A query process may grow by
QUERY_MEMORY_MB at most (RLIMIT_AS), and where Linux allows it runs in a network namespace of
its own with no interface up, so even a query that slipped past the guard could not reach
another host. Internal lookups (select, construct, ask) stay in-process: they are our own.

A replacement process is forked by a worker that has other threads, some of which may be inside
the engine (pyoxigraph releases the GIL while it reads the store). A child forked at that moment
would inherit an engine lock that nobody will release, so lookups and forks pass a gate: a fork
waits until no lookup is inside the store, and lookups wait while a fork happens.
"""

from __future__ import annotations

import ctypes
import logging
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import Pipe
from multiprocessing.connection import Connection

from .embedded import EmbeddedService
from .service import Dataset, QueryAborted, QueryError, QueryOutcome, QueryTimeout

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_LIBC = ctypes.CDLL(None, use_errno=True)
PRCTL, UNSHARE = _LIBC.prctl, _LIBC.unshare  # looked up here, so a forked child never calls the dynamic loader
STARTUP_SECONDS = 10
RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGABRT", "SIGCHLD")


@dataclass(frozen=True)
class Job:
    text: str
    result_format: str
    dataset: Dataset


Runner = Callable[[Job], QueryOutcome]


class Gate:
    """Many lookups at once, or one fork alone."""

    def __init__(self):
        self._cond = threading.Condition()
        self._inside = 0
        self._forking = False

    @contextmanager
    def lookup(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._forking)
            self._inside += 1
        try:
            yield
        finally:
            with self._cond:
                self._inside -= 1
                self._cond.notify_all()

    @contextmanager
    def fork(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._forking)
            self._forking = True
            self._cond.wait_for(lambda: self._inside == 0)
        try:
            yield
        finally:
            with self._cond:
                self._forking = False
                self._cond.notify_all()


class IsolatedService:
    """The QueryService of the server: `execute` in a killable process, lookups in-process."""

    def __init__(self, inner: EmbeddedService, timeout: float, processes: int, memory_mb: int, max_result_bytes: int):
        self.inner = inner
        self.timeout = timeout
        self.processes = max(1, processes)
        self.memory_mb = memory_mb
        self.max_result_bytes = max_result_bytes
        self._lock = threading.Lock()
        self._gate = Gate()
        self._pool: QueryPool | None = None
        self._pool_owner = 0

    @classmethod
    def from_config(cls, inner: EmbeddedService, config) -> "IsolatedService":
        return cls(inner, float(config["TIMEOUT"]), int(config["QUERY_PROCESSES"]), int(config["QUERY_MEMORY_MB"]),
                   int(config["MAX_RESULT_BYTES"]))

    @property
    def version(self) -> str:
        return self.inner.version

    def select(self, text: str):
        with self._gate.lookup():
            return self.inner.select(text)

    def construct(self, text: str):
        with self._gate.lookup():
            return self.inner.construct(text)

    def ask(self, text: str) -> bool:
        with self._gate.lookup():
            return self.inner.ask(text)

    def graph_names(self) -> list[str]:
        with self._gate.lookup():
            return self.inner.graph_names()

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset()) -> QueryOutcome:
        return self.pool().run(Job(text, result_format, dataset), self.timeout)

    def pool(self) -> "QueryPool":
        """This process's pool; a forked web worker makes its own on first use (or in `post_fork`)."""
        with self._lock:
            if self._pool is None or self._pool_owner != os.getpid():
                self._pool = QueryPool(self._run, self.processes, self.memory_mb, self._gate)
                self._pool_owner = os.getpid()
            return self._pool

    def _run(self, job: Job) -> QueryOutcome:
        return self.inner.execute(job.text, job.result_format, job.dataset, limit=self.max_result_bytes)


class QueryPool:
    def __init__(self, run: Runner, size: int, memory_mb: int, gate: Gate):
        self._run = run
        self._memory_mb = memory_mb
        self._gate = gate
        self._idle: queue.Queue[QueryProcess] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> "QueryProcess":
        with self._gate.fork():
            proc = QueryProcess.fork(self._run, self._memory_mb)
        if not proc.offline:
            log.warning("query process %d could not leave the network (no user namespaces here); "
                        "SERVICE is still refused by the query guard", proc.pid)
        return proc

    def run(self, job: Job, timeout: float) -> QueryOutcome:
        deadline = time.monotonic() + timeout
        try:
            proc = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout(f"All query processes stayed busy for {timeout:g} s; try again later.") from None
        try:
            if not proc.alive():
                proc = self._spawn()  # it died while idle (killed from outside): not this query's fault
            return proc.run(job, deadline, timeout)
        finally:
            self._idle.put(proc if proc.alive() else self._spawn())


class QueryProcess:
    def __init__(self, pid: int, conn: Connection, offline: bool):
        self.pid = pid
        self.conn = conn
        self.offline = offline
        self._dead = False

    @classmethod
    def fork(cls, run: Runner, memory_mb: int) -> "QueryProcess":
        parent_end, child_end = Pipe()
        parent_pid = os.getpid()
        pid = os.fork()
        if pid == 0:  # the query process: never returns into the web worker's code
            code = 1
            try:
                parent_end.close()
                _serve(child_end, run, memory_mb, parent_pid)
                code = 0
            finally:
                os._exit(code)
        child_end.close()
        proc = cls(pid, parent_end, offline=False)
        try:
            if not parent_end.poll(STARTUP_SECONDS):
                raise EOFError
            proc.offline = parent_end.recv() == "offline"
        except EOFError:
            proc.kill()
            raise QueryAborted("A query process could not be started; try again later.") from None
        return proc

    def alive(self) -> bool:
        if self._dead:
            return False
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            done = self.pid
        if done:
            self._dead = True
            self.conn.close()
        return not self._dead

    def kill(self) -> None:
        if self._dead:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self._dead = True
        self.conn.close()

    def run(self, job: Job, deadline: float, timeout: float) -> QueryOutcome:
        try:
            self.conn.send(job)
            status, *detail = self._receive(deadline, timeout, self.conn.recv)
            if status == "ok":
                media_type, kind = detail
                return QueryOutcome(self._receive(deadline, timeout, self.conn.recv_bytes), media_type, kind)
        except (EOFError, OSError):
            self.kill()
            raise QueryAborted(
                "The query process stopped before it answered (it may have run out of memory or been killed); "
                "the next query runs in a fresh process."
            ) from None
        if status == "error":
            raise QueryError(detail[0])
        raise QueryAborted(detail[0])

    def _receive(self, deadline: float, timeout: float, read):
        if not self.conn.poll(max(0.0, deadline - time.monotonic())):
            self.kill()
            raise QueryTimeout(f"The query ran longer than {timeout:g} s and was stopped; narrow it or add a LIMIT.")
        return read()


def _serve(conn: Connection, run: Runner, memory_mb: int, parent_pid: int) -> None:
    """The loop of a query process: one job at a time, answered as a header and a body."""
    for name in RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)  # the web worker's handlers are not ours
    PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        return  # the worker is already gone
    _limit_memory(memory_mb)
    offline = UNSHARE(CLONE_NEWUSER | CLONE_NEWNET) == 0 or UNSHARE(CLONE_NEWNET) == 0
    conn.send("offline" if offline else "online")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            outcome = run(job)
        except QueryError as e:
            conn.send(("error", str(e)))
        except QueryAborted as e:
            conn.send(("aborted", str(e)))
        except MemoryError:
            conn.send(("aborted", f"The query needed more than the {memory_mb} MiB a query may use; ask for less."))
        except (OSError, RuntimeError, ValueError) as e:  # evaluation errors raised by the engine
            conn.send(("error", f"The query could not be evaluated: {e}"))
        else:
            conn.send(("ok", outcome.media_type, outcome.kind))
            conn.send_bytes(outcome.body)


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at its size now (the shared store included) plus memory_mb."""
    with open("/proc/self/status", encoding="ascii") as f:
        size_kb = next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))
    soft = size_kb * 1024 + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
