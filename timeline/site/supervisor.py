"""The workers of `timeline serve --workers N`: uvicorn's supervisor, one listening socket each, and
connections steered to the workers that answer.

The supervisor makes one listening socket per worker, all bound to the port with SO_REUSEPORT, and
holds them: worker k serves socket k, and a replacement takes the same socket (the connections queued
on it are not lost). The kernel shares new connections among the sockets by a classic BPF program
(`steer`) that picks one of the sockets of the workers in rotation at random, never a socket that
joined the port's group later (another process's).

The supervisor pings every worker every PING_INTERVAL seconds, without waiting on any one of them:
- a worker that has not answered for SUSPECT seconds is taken out of rotation (no new connection is
  steered to its socket) and a worker in rotation is asked to serve its socket too, so that the
  connections already queued there are answered; it is put back the moment it answers again;
- a worker that has not answered for WORKER_HEALTHCHECK seconds, or has died, is killed and replaced;
  the replacement is put in rotation once it answers that it has started (it has STARTUP_GRACE to).
A stopped worker (SIGSTOP, a debugger, a frozen container) stalled clients for about 5 s with
uvicorn's own supervisor (it asks each worker in turn, and waits 5 s for an answer), and with a 1 s
wait, new connections queued on its socket for up to 2 s (until the replacement had started).
"""
import asyncio
import ctypes
import logging
import multiprocessing
import os
import socket
import struct
import threading
import time
from typing import Any

from uvicorn.config import Config
from uvicorn.supervisors.multiprocess import Multiprocess, Process

PING_INTERVAL = 0.1
SUSPECT = 0.3  # seconds without an answer before a worker is taken out of rotation
WORKER_HEALTHCHECK = 1.0  # seconds without an answer before it is replaced (uvicorn's default is 5)
STARTUP_GRACE = 60.0  # seconds a new worker has to answer at all (importing Datasette, building the app)
SO_ATTACH_REUSEPORT_CBPF = 51
log = logging.getLogger("uvicorn.error")


def steer(sockets: list[socket.socket], chosen: list[int] | None = None) -> bool:
    """Have the kernel give each new connection to one of `sockets` (the first of a SO_REUSEPORT group, in the
    order they listened), at random among those at the indexes `chosen` (all of them by default), never to a
    socket that joined the group later. False where it cannot (not Linux): the kernel's own hash then shares
    connections among every socket of the group."""
    chosen = list(range(len(sockets))) if not chosen else chosen
    skf_ad_random = (-0x1000 + 56) & 0xFFFFFFFF  # SKF_AD_OFF + SKF_AD_RANDOM: a random 32-bit number
    program = [(0x20, 0, 0, skf_ad_random),  # BPF_LD | BPF_W | BPF_ABS: A = random
               (0x94, 0, 0, len(chosen))]  # BPF_ALU | BPF_MOD | BPF_K: A = A % len(chosen)
    if chosen == list(range(len(sockets))):
        program.append((0x16, 0, 0, 0))  # BPF_RET | BPF_A: A is the socket's index
    else:
        for i, index in enumerate(chosen[:-1]):
            program += [(0x15, 0, 1, i),  # BPF_JMP | BPF_JEQ | BPF_K: A == i? on to the next line, else past it
                        (0x06, 0, 0, index)]  # BPF_RET | BPF_K: the i-th socket chosen
        program.append((0x06, 0, 0, chosen[-1]))
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *line) for line in program))
    try:
        sockets[0].setsockopt(socket.SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF,
                              struct.pack("HL", len(program), ctypes.addressof(code)))
    except OSError:
        return False
    return True


class Worker(Process):
    """uvicorn's worker process serving socket `own` of `sockets`, which can be asked (`help`) to serve
    another worker's socket too, or to stop (`help(k, False)`)."""

    def __init__(self, config: Config, sockets: list[socket.socket], own: int) -> None:
        super().__init__(config, [sockets[own]])
        self.sockets = sockets  # all of them, handed to the process: it may be asked to serve another's
        self.commands, self.child_commands = multiprocessing.Pipe()
        self.pinged: float | None = None  # when the ping not yet answered was sent
        self.answered = False  # whether it ever answered
        self.last_answer = 0.0  # when it last answered
        self.started_at = time.monotonic()

    def help(self, k: int, on: bool = True) -> None:
        try:
            self.commands.send((k, on))
        except OSError:
            pass  # it is gone: nothing of it to stop

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # in the worker
        threading.Thread(target=self._take_commands, daemon=True).start()
        super().target(sockets)

    def _take_commands(self) -> None:  # in the worker
        serving: dict[int, Any] = {}
        while True:
            try:
                k, on = self.child_commands.recv()
            except (EOFError, OSError):
                return
            servers = getattr(self.server, "servers", None)
            if not self.server.started or not servers:
                continue
            loop = servers[0].get_loop()
            future = asyncio.run_coroutine_threadsafe(self._serve_also(k, on, serving, loop), loop)
            try:
                future.result(timeout=5)
            except Exception as e:  # noqa: BLE001 - the worker goes on serving its own socket whatever this meets
                log.warning("Could not %s serving another worker's socket: %s", "start" if on else "stop", e)

    async def _serve_also(self, k: int, on: bool, serving: dict[int, Any], loop: asyncio.AbstractEventLoop) -> None:
        server, config = self.server, self.config
        if on and k not in serving:
            def protocol() -> asyncio.Protocol:  # as uvicorn makes it for its own sockets (Server.startup)
                return config.http_protocol_class(config=config, server_state=server.server_state,  # type: ignore
                                                  app_state=server.lifespan.state, _loop=loop)
            serving[k] = await loop.create_server(protocol, sock=self.sockets[k].dup(), backlog=config.backlog)
            server.servers.append(serving[k])  # closed with the others when the worker stops
        elif not on and k in serving:
            listener = serving.pop(k)
            server.servers.remove(listener)
            listener.close()  # this process's copy of the socket: the supervisor's stays open


class PerWorker(Multiprocess):
    """uvicorn's supervisor, giving worker k the socket k alone (a replacement takes the same one), and
    steering new connections to the workers that answer (see the module's docstring)."""

    processes: list[Worker]  # type: ignore[assignment]

    def _worker(self, k: int) -> Worker:
        process = Worker(self.config, self.sockets, k)
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes = [self._worker(k) for k in range(self.processes_num)]
        self.rotation: set[int] = set()  # the workers new connections are steered to
        self.helped: dict[int, int] = {}  # {worker out of rotation: the worker serving its socket too}
        self._steer()

    def run(self) -> None:
        log.info("Started parent process [%d]", os.getpid())
        self.init_processes()
        while not self.should_exit.wait(PING_INTERVAL):
            self.handle_signals()
            self.keep_subprocess_alive()
        self.terminate_all()
        self.join_all()
        log.info("Stopping parent process [%d]", os.getpid())

    def _steer(self) -> None:
        steer(self.sockets, sorted(self.rotation) or None)  # none answering: all, as good as any

    def _put_in(self, k: int) -> None:
        if k in self.rotation:
            return
        self.rotation.add(k)
        self._steer()
        helper = self.helped.pop(k, None)
        if helper is not None:
            self.processes[helper].help(k, False)
        log.info("Worker [%s] answers: new connections are given to it", self.processes[k].pid)

    def _helper(self, k: int) -> int | None:
        """The worker to serve socket k too: one in rotation, else the one that answered last (a busy
        machine may delay every answer), never one that has not started."""
        others = [j for j, p in enumerate(self.processes) if j != k and p.answered and p.process.is_alive()]
        return max(others, key=lambda j: (j in self.rotation, self.processes[j].last_answer), default=None)

    def _take_out(self, k: int, why: str) -> None:
        if k in self.rotation:
            self.rotation.discard(k)
            self._steer()
            log.info("Worker [%s] %s: no new connection is given to it", self.processes[k].pid, why)
        for other, serving in list(self.helped.items()):
            if serving == k:  # it was serving another's socket: another worker takes that over
                del self.helped[other]
                self.processes[k].help(other, False)  # read when it answers again
        for other in [k] + [j for j in range(len(self.processes)) if j not in self.rotation and j != k]:
            helper = self._helper(other)
            if other not in self.helped and helper is not None and helper != k:
                self.helped[other] = helper
                self.processes[helper].help(other)  # the connections queued on its socket are answered

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        now = time.monotonic()
        for k, process in enumerate(self.processes):
            alive = process.process.is_alive()
            if alive and process.pinged is not None:
                try:
                    answer = process.parent_conn.recv() if process.parent_conn.poll() else None
                except (OSError, EOFError):
                    answer, alive = None, False
                if answer is not None:
                    process.pinged, process.answered, process.last_answer = None, True, now
                    if answer is True:
                        self._put_in(k)
            if alive and process.pinged is None:
                try:
                    process.parent_conn.send(b"ping")
                    process.pinged = now
                except OSError:
                    alive = False
                continue
            waited = now - (process.pinged or now)
            limit = WORKER_HEALTHCHECK if process.answered else STARTUP_GRACE
            if alive and waited < limit:
                if waited >= SUSPECT and process.answered:
                    self._take_out(k, f"has not answered for {waited:.1f} s")
                continue
            self._take_out(k, "stopped answering" if alive else "died")
            process.kill()  # dead, or not answering (stopped, hung)
            process.join()
            if self.should_exit.is_set():
                return
            log.info("Worker [%s] %s; starting another", process.pid, "stopped answering" if alive else "died")
            self.processes[k] = self._worker(k)

    def restart_all(self) -> None:
        for k, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._worker(k)
            if not new.wait_until_ready(STARTUP_GRACE, self.should_exit):
                new.kill()
                new.join()
                return
            new.answered = True
            old.terminate()
            old.join()
            self.processes[k] = new

    def handle_ttin(self) -> None:
        log.info("Received SIGTTIN: the number of workers is fixed by --workers (each has its own socket)")

    def handle_ttou(self) -> None:
        log.info("Received SIGTTOU: the number of workers is fixed by --workers (each has its own socket)")
