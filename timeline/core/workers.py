"""Worker processes: spread work over the CPUs, get the results back in the order it was given.

`Stream` spreads tasks over workers as they are given; `share` works through a list with workers
taking tasks from the front and this process from the back; `Helpers` are workers handed one value once (in a
file, `handed_over`) for tasks that need it; `Background` runs one function beside this process.

Workers are started with "spawn" (a fresh interpreter that imports only what the work needs):
nothing of the parent -- its open SQLite connections, its threads -- is copied into them. A worker
that dies (killed for memory, say) or cannot start leaves its work to this process: `Stream` gives
back the results as far as the workers got, `share` and `Background` do a dead worker's tasks here,
and `Helpers` that cannot start raise Failed.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

from timeline.errors import HeldDiffers, WorkersFailed

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool
    from multiprocessing.process import BaseProcess

T = TypeVar("T")  # a task
R = TypeVar("R")  # its result


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def chunks(items: Iterable[T], size_of: Callable[[T], int], size: int) -> list[list[T]]:
    """`items` in consecutive lists of about `size` (measured by `size_of(item)`)."""
    out: list[list[T]]
    chunk: list[T]
    out, chunk, total = [], [], 0
    for item in items:
        chunk.append(item)
        total += size_of(item)
        if total >= size:
            out.append(chunk)
            chunk, total = [], 0
    if chunk:
        out.append(chunk)
    return out


class Stream:
    """function(task) for tasks given one at a time (submit), worked out in up to `jobs` worker processes
    as they come, started with the first. results() waits for them and gives them in order: those up to
    the first task whose worker failed (the caller works out the rest)."""

    pool: concurrent.futures.ProcessPoolExecutor | None
    futures: list[concurrent.futures.Future[Any]]

    def __init__(self, function: Callable[[Any], Any], jobs: int):
        self.function, self.futures = function, []
        try:
            self.pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
        except OSError:
            self.pool = None

    def submit(self, task: Any) -> None:
        if self.pool is not None:
            try:
                self.futures.append(self.pool.submit(self.function, task))
            except (BrokenProcessPool, OSError, RuntimeError):
                self.close()

    def results(self, progress: Callable[[int, int], object] | None = None) -> list[Any]:
        """[function(task)] of the tasks in order, as far as the workers got; `progress(done, total)`."""
        out: list[Any] = []
        try:
            for future in self.futures:
                out.append(future.result())
                if progress:
                    progress(len(out), len(self.futures))
        except (BrokenProcessPool, OSError):
            pass
        finally:
            self.close()
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


@contextlib.contextmanager
def short_turns(seconds: float = 0.0005) -> Iterator[None]:
    """While open, a thread waiting for Python's lock gets it after at most `seconds` of another's
    Python (CPython's default is 5 ms). A thread that does its work outside the lock -- reading a
    worker's result from a pipe 64 KB at a time, running SQLite's statements -- needs the lock back
    between its steps: with 5 ms turns a worker sending a file's checked facts waited on the pipe
    for about a sixth of the facts' check, and a second core stood idle."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, seconds))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def beside(other: Callable[[], object], here: Callable[[Callable[[], bool]], R]) -> R:
    """here(still_running) in this thread while other() runs in a second one (work that leaves Python's
    lock, as SQLite's statements do, so both use a core); `still_running()` says whether other() has not
    finished yet. Both are finished when this returns; an error of either is raised (here()'s first)."""
    with short_turns(), concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(other)
        try:
            return here(lambda: not running.done())
        finally:
            running.result()  # (waited for even when here() failed)


@contextlib.contextmanager
def handed_over(value: object) -> Iterator[str]:
    """The path of a temporary file holding `value` pickled, for workers to load (`taken`): a worker
    started with a large argument makes this process wait until the new interpreter has read it all;
    a file is written in a fraction of that time. The file is removed afterwards."""
    fd, path = tempfile.mkstemp(prefix="timeline-", suffix=".pickle")  # closed before a worker opens it (Windows)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def _digest_file() -> Iterator[str]:
    """The path of a temporary file for Helpers.hand() to write a digest into; removed afterwards."""
    fd, path = tempfile.mkstemp(prefix="timeline-", suffix=".digest")
    os.close(fd)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _nothing() -> None:
    """A task that starts a worker."""


def taken(path: str) -> Any:
    """The value `handed_over` wrote to `path`."""
    with open(path, "rb") as f:
        return pickle.load(f)


def share(function: Callable[[T], R], tasks: Sequence[T], here: Callable[[T], R],
          pool: concurrent.futures.ProcessPoolExecutor | Callable[[], concurrent.futures.ProcessPoolExecutor | None]
          | None, received: Callable[[T, R], R] | None = None,
          given_all: Callable[[], None] | None = None) -> list[R]:
    """[function(task) for task in tasks], in order, worked out by the workers of `pool` (an executor,
    e.g. a Helpers' pool, left running; None: all here; or a callable giving one of those, asked again
    after each task while it gives None: workers that start late take what is left) taking tasks from
    the front while this process works them out with `here(task)` from the back, until the two meet:
    no one waits while a task is left. A task whose worker fails is worked out here.

    The workers are given a few tasks at a time (two each and one more; near the end, no more than their
    share of what is left beside the ones they are working out), never all at once: a task
    this process takes is one never given, so no given task is ever cancelled (Python 3.11's pool
    fails in its own thread when a worker dies while a cancelled task is still listed).

    With `received`, a worker's result is replaced by `received(task, result)`, in this thread, as soon as
    this process sees it (between its own tasks, then one by one): what it keeps elsewhere and forgets is
    never held for every task at once. `given_all()` is called once every task is given out or taken
    here, before the last results are waited for: the workers may be let go then."""
    if pool is None or len(tasks) < 2:
        return [here(task) for task in tasks]
    with short_turns():  # the workers' results are read from their pipes by another thread (see short_turns)
        return _share(function, tasks, here, pool, received, given_all)


def _share(function: Callable[[T], R], tasks: Sequence[T], here: Callable[[T], R],
           pool: concurrent.futures.ProcessPoolExecutor | Callable[[], concurrent.futures.ProcessPoolExecutor | None],
           received: Callable[[T, R], R] | None, given_all: Callable[[], None] | None) -> list[R]:
    current = pool if callable(pool) else (lambda: pool)
    out: list[Any] = [None] * len(tasks)  # each place is filled below
    given: dict[int, concurrent.futures.Future[R]] = {}  # task number -> Future
    front, back = 0, len(tasks)  # tasks[:front] given to the workers, tasks[back:] worked out here
    executor = None
    while front < back:
        if executor is None:
            executor = current()
        if executor is not None:
            room = (given_ahead(executor._max_workers, back - front)  # type: ignore[attr-defined]  # CPython's
                    - sum(not f.done() for f in given.values()))
            try:
                for _ in range(min(room, back - front)):
                    given[front] = executor.submit(function, tasks[front])
                    front += 1
            except (BrokenProcessPool, OSError, RuntimeError):  # the rest are done here
                executor, current = None, (lambda: None)
        if front < back:
            back -= 1
            out[back] = here(tasks[back])
        if received is not None:
            for n in [n for n, future in given.items() if future.done()]:
                out[n] = _taken(given.pop(n), tasks[n], here, received)
    if given_all is not None:
        given_all()
    for n in sorted(given):  # a worker has (or had) these
        out[n] = _taken(given.pop(n), tasks[n], here, received)
    return out


def given_ahead(helpers: int, left: int) -> int:
    """How many tasks `helpers` workers may hold at once (running or queued) while `left` are still to be
    given out or taken here: two each and one more, and near the end no more than one each and their
    share of what is left. Once this process takes the last task it waits for what the workers hold and
    have not begun: with two queued behind the one running, 0.2-0.5 s of a check of 100,000 facts."""
    return min(2 * helpers + 1, helpers + left * helpers // (helpers + 1))


def _taken(future: concurrent.futures.Future[R], task: T, here: Callable[[T], R],
           received: Callable[[T, R], R] | None) -> R:
    """The result of `task` given to a worker (through `received`), or worked out here when the worker failed
    (or holds another value than this process: HeldDiffers)."""
    try:
        result = future.result()
    except (BrokenProcessPool, OSError, concurrent.futures.CancelledError, HeldDiffers):
        return here(task)
    return received(task, result) if received is not None else result


_held: list[Any] = []  # in a Helpers worker: the value it was handed, or made
_vouch: list[str] = []  # in a worker that made its value: [the file of the digest this process made, its own]


def _hold(path: str) -> None:
    gc.disable()  # the work here makes many small objects and no cycles (timeline.facts._no_cycle_collection)
    _held[:] = [taken(path)]


def _make(function: Callable[..., tuple[Any, str]], args: tuple[Any, ...], path: str) -> None:
    gc.disable()
    try:
        value, digest = function(*args)
    except Exception as e:  # (its tasks are then worked out by the Helpers' owner)
        value, digest = None, f"failed: {e!r}"
    _held[:] = [value]
    _vouch[:] = [path, digest]


def held() -> Any:
    """In a Helpers worker: the value the Helpers were given, or made (raises HeldDiffers when it is not
    the one the Helpers' owner made: its digest is not the one given to hand())."""
    if _vouch:
        path, digest = _vouch
        with open(path, encoding="utf-8") as f:
            expected = f.read()
        if expected != digest:
            raise HeldDiffers(f"made {digest[:12]}, expected {expected[:12]}")
        _vouch.clear()
    return _held[0]


class Helpers:
    """`jobs` worker processes holding one value (handed over once, in a file), for tasks that need it
    (they read it with held()). `first` (function, *args) is their first task, begun as they start
    (its Future: `self.first`). With `after`, they start only once `after()` returns True (waited for
    in a thread, while this process goes on: `self.pool` is None until then). `then(pool)` is called
    once they have started, in the thread that started them. Close them when done.

    With `made` (function, args) instead of a value, the workers start at once and each makes the value
    itself, function(*args) -> (value, its digest), while this process makes its own: hand(digest, first)
    then says which digest this process's value has, and gives the first task. A worker whose digest
    differs (its inputs changed between the two readings, say) takes no task: each is worked out by this
    process (held() raises HeldDiffers there)."""

    pool: concurrent.futures.ProcessPoolExecutor | None
    first: concurrent.futures.Future[Any] | None
    _exiting: list[BaseProcess]
    _thread: threading.Thread | None
    _file: contextlib.AbstractContextManager[str] | None

    def __init__(self, jobs: int, value: object = None, first: tuple[Any, ...] | None = None,
                 after: Callable[[], bool] | None = None,
                 then: Callable[[concurrent.futures.ProcessPoolExecutor], None] | None = None,
                 made: tuple[Callable[..., tuple[Any, str]], tuple[Any, ...]] | None = None):
        self.pool = self.first = None
        self.then = then
        self._lock = threading.Lock()
        self._closed = self._first_taken = False
        self._exiting = []  # processes released, to wait for in close()
        self._thread = None
        self._made = made is not None  # until hand()
        self._file = _digest_file() if made is not None else handed_over(value)
        path = self._path = self._file.__enter__()
        if made is not None or after is None:
            try:
                if made is not None:
                    self._start(jobs, path, None, (_make, (*made, path)))
                else:
                    self._start(jobs, path, first)
            except WorkersFailed:
                self._file.__exit__(None, None, None)
                raise
        else:
            self._thread = threading.Thread(target=self._start_after, args=(after, jobs, path, first), daemon=True)
            self._thread.start()

    def _start(self, jobs: int, path: str, first: tuple[Any, ...] | None,
               initializer: tuple[Callable[..., None], tuple[Any, ...]] | None = None) -> None:
        if self._closed:  # let go before they were needed
            return
        function, args = initializer or (_hold, (path,))
        try:
            pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                                          initializer=function, initargs=args)
            for _ in range(jobs if initializer is not None else 0):  # started now, not with their first tasks
                pool.submit(_nothing)
        except OSError:
            raise WorkersFailed("could not start worker processes") from None
        with self._lock:
            if self._closed:  # mypy takes it for False still: another thread may have closed them since
                pool.shutdown(cancel_futures=True)  # type: ignore[unreachable]
                return
            if first and not self._first_taken:
                self.first = pool.submit(*first)
            self.pool = pool
        if self.then is not None:
            self.then(pool)

    def _start_after(self, after: Callable[[], bool], jobs: int, path: str, first: tuple[Any, ...] | None) -> None:
        with contextlib.suppress(WorkersFailed):
            if after():
                self._start(jobs, path, first)

    def hand(self, digest: str, first: tuple[Any, ...] | None = None) -> None:
        """Helpers(made=...): this process's value has `digest` (a worker whose own differs takes no task);
        `first` is their first task (its Future: `self.first`)."""
        assert self._made, "hand() is for Helpers(made=...), once"
        temporary = f"{self._path}.{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(digest)
        os.replace(temporary, self._path)  # whole when a worker reads it
        with self._lock:
            self._made = False
            if first and self.pool is not None and not self._first_taken:
                with contextlib.suppress(BrokenProcessPool, RuntimeError):
                    self.first = self.pool.submit(*first)

    def take_first(self) -> bool:
        """True when the first task has not been begun by the workers, and now never will be (the caller
        does it); False when it has (wait for `self.first`)."""
        with self._lock:
            if self.first is None:
                self._first_taken = True
            return self._first_taken

    def release(self, cancel: bool = True) -> None:
        """Let the workers go, without waiting for them to exit (close() waits): at once when `cancel`
        (a task given but not begun is cancelled), else once every task given is done."""
        with self._lock:
            self._closed = True
            if self.pool is not None:
                self._exiting = list((self.pool._processes or {}).values())
                self.pool.shutdown(wait=False, cancel_futures=cancel)
                self.pool = None

    def close(self) -> None:
        """Stop the workers (waiting for none of the tasks not yet begun) and remove the file."""
        with self._lock:
            self._closed = True
            pool, self.pool = self.pool, None
            unused = self._made  # never handed: still making a value no one will use
        if pool is not None:
            if unused:  # not waited for (a build that fails on its inputs reports it at once)
                for worker in list((pool._processes or {}).values()):
                    worker.terminate()
            pool.shutdown(cancel_futures=True)
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        for process in self._exiting:
            process.join()
        self._exiting = []
        if self._file is not None:
            self._file.__exit__(None, None, None)
            self._file = None


class Background:
    """function(*make_args()), worked out in a worker process while this one goes on; result() waits for
    it (or, with `jobs` 1 or when the worker fails, works it out then, here). Nothing here keeps the
    arguments once they are sent: `make_args` makes them again if they are needed here."""

    pool: Pool | None
    pending: AsyncResult[Any] | None

    def __init__(self, function: Callable[..., Any], make_args: Callable[[], Iterable[Any]], jobs: int):
        self.function, self.make_args, self.pool, self.pending = function, make_args, None, None
        self._lock = threading.Lock()
        if jobs > 1:

            try:
                self.pool = multiprocessing.get_context("spawn").Pool(1)
                self.pending = self.pool.apply_async(function, make_args())
            except OSError:
                self.close()

    @property
    def elsewhere(self) -> bool:
        """True while the work is under way in a worker process."""
        return self.pending is not None

    def done_elsewhere(self) -> bool:
        """Wait until the worker has sent its result, then stop the worker (its memory is given back;
        result() still has the result): True. False when no worker has the work, or it was closed."""
        while True:
            with self._lock:
                pending = self.pending
                if pending is None:
                    return False
                if pending.ready():
                    if not pending.successful():
                        return False
                    self._stop()
                    return True
            pending.wait(0.05)

    def sent(self) -> Any:
        """The result the worker has sent, once done_elsewhere() returned True (result() still gives
        it); else None."""
        with self._lock:
            pending = self.pending
        if pending is None or not pending.ready() or not pending.successful():
            return None
        return pending.get()

    def result(self) -> Any:
        try:
            if self.pending is not None:
                try:
                    return self.pending.get()
                except (OSError, EOFError, RuntimeError):  # the worker died: work it out here
                    pass
            return self.function(*self.make_args())
        finally:
            self.close()

    def _stop(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def close(self) -> None:
        """Stop the worker (a build that fails does not wait for it)."""
        with self._lock:
            self._stop()
            self.pending = None
