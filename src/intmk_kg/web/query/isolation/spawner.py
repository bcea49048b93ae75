"""A fork server: the one process that forks a web worker's query processes.

A child forked from a threaded web worker keeps copies of every descriptor the worker has at that
moment: the client connections of its request threads and the listening socket. A connection the
worker then closes stays open (no FIN) until that child exits, so keep-alive clients and nginx
wait on it (security report of 2026-12-01, finding 2). So each worker forks this server once,
in gunicorn's post_fork hook, while it has a single thread and no client; the server closes the
listening sockets and from then on forks the worker's query processes on request. For each it
makes the two pipes, forks, hands the worker's ends and a pidfd of the child back over a Unix
socket pair (SCM_RIGHTS) and closes its own copies at once, so that no query process holds a
sibling's pipes. Being single-threaded, it also never forks while another thread is inside the
engine, so lookups need no fork gate.

The query processes are the server's children, not the worker's: the worker sees one end by EOF
or POLLHUP on its pipe and kills it through its pidfd (no reused PID can be hit); the server
ignores SIGCHLD so that the kernel reaps them. The server dies with its worker (PR_SET_PDEATHSIG
and EOF on its socket), and query processes die with the server.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import stat
import struct
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True)
PRCTL = _LIBC.prctl  # looked up here, so a forked child never calls the dynamic loader
RESET_SIGNALS = ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGABRT", "SIGCHLD")
PID = struct.Struct("<q")

Child = Callable[[int, int, int], None]  # (read end of its jobs, write end of its answers, the server's pid)


@dataclass(frozen=True)
class Spawned:
    """A new child as the worker holds it: its pid, a pidfd (None if it already ended) and its pipe ends."""

    pid: int
    pidfd: int | None
    jobs: int  # write end
    answers: int  # read end


class SpawnerGone(OSError):
    """The fork server has ended (killed from outside); this worker can start no more children."""


class Spawner:
    """The worker's handle on its fork server; `spawn` may be called from any thread."""

    def __init__(self, child: Child, closing: Iterable[int] = ()):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        worker = os.getpid()
        # PR_SET_PDEATHSIG fires when the forking *thread* ends: only the main thread lives as long as the worker
        deathsig = threading.current_thread() is threading.main_thread()
        closing = list(closing)
        pid = os.fork()
        if pid == 0:  # the fork server: never returns into the worker's code
            code = 1
            try:
                ours.close()
                close_sockets(closing, keep=(theirs.fileno(),))
                _serve(theirs, child, worker, deathsig)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        self.pid = pid
        self._sock = ours
        self._lock = threading.Lock()

    def spawn(self) -> Spawned:
        with self._lock:
            try:
                self._sock.sendall(b"f")
                message, fds, _, _ = socket.recv_fds(self._sock, PID.size, 3)
            except OSError as e:
                raise SpawnerGone(f"the fork server {self.pid} is gone ({e})") from None
        if len(message) != PID.size:
            for fd in fds:
                os.close(fd)
            raise SpawnerGone(f"the fork server {self.pid} is gone")
        (pid,) = PID.unpack(message)
        if pid <= 0 or len(fds) < 2:
            for fd in fds:
                os.close(fd)
            raise OSError(f"the fork server {self.pid} could not fork")
        return Spawned(pid, fds[2] if len(fds) > 2 else None, fds[0], fds[1])

    def close(self) -> None:
        """Ends the server (EOF on its socket) and with it the children it forked."""
        self._sock.close()
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def close_sockets(fds: Iterable[int] = (), keep: Iterable[int] = ()) -> None:
    """Drop `fds` and every other socket but `keep`: /dev/null takes their place, so that a Python
    object still holding one of these numbers can never close a descriptor opened later. Other
    descriptors stay: an on-disk store's open files are needed, and so are stdin, stdout and stderr
    (a socket to the journal under systemd)."""
    fds, keep = set(fds), {0, 1, 2, *keep}
    found = {int(name) for name in os.listdir("/proc/self/fd")}
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in sorted(found | set(fds)):
            if fd in keep or fd == null:
                continue
            try:
                if fd in fds or stat.S_ISSOCK(os.fstat(fd).st_mode):
                    os.dup2(null, fd)
            except OSError:
                pass  # already closed (the listing's own descriptor)
    finally:
        os.close(null)


def _serve(sock: socket.socket, child: Child, worker: int, deathsig: bool) -> None:
    """The server's loop: one fork per byte received, until the worker closes the socket."""
    for name in RESET_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)  # gunicorn's handlers are not ours
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our children
    if deathsig:
        PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != worker:
        return  # the worker is already gone
    me = os.getpid()
    while sock.recv(1):
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:  # a query process: never returns into the server's loop
            code = 1
            try:
                sock.close()
                os.close(job_write)
                os.close(answer_read)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                close_sockets()  # none should be left; a second line in case one was
                child(job_read, answer_write, me)
                code = 0
            finally:
                os._exit(code)
        os.close(job_read)
        os.close(answer_write)
        fds = [job_write, answer_read]
        if pid > 0:
            try:
                fds.append(os.pidfd_open(pid))
            except OSError:
                pass  # it has ended already (and been reaped); the worker sees EOF on its pipe
        try:
            socket.send_fds(sock, [PID.pack(pid)], fds if pid > 0 else [])
        finally:
            for fd in fds:
                os.close(fd)
