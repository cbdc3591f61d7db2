"""Every fetch's deadline on one timer, and the run's request slots: the engine's per-request
bookkeeping kept off the event loop's timer heap.

A fetch is bounded by one deadline (`Settings.budget`), and every fetch of an engine gets the
same length, so the deadlines expire in the order the fetches started: they wait in a queue
and one timer handle, armed for the oldest one still running, cancels whatever is overdue.
`asyncio.timeout` does the same with a handle per fetch: three lookups of the running loop,
a handle pushed on the loop's heap and cancelled again, for a deadline that almost never
fires. The cancellation is the one `asyncio.timeout` makes (the task cancelled, the cancel
taken back when the deadline caught it, so a Ctrl-C at the same moment still stops the run).

`Gate` is the run's `concurrency`: `asyncio.Semaphore` without its per-call loop lookups,
with a synchronous `take_now` for the common case of a free slot and slots handed over in
FIFO order.
"""

from __future__ import annotations

import asyncio
from collections import deque


class Deadline:
    """One fetch's deadline: `start` it in the task it bounds, `left` when it ends."""

    __slots__ = ("cancelling", "done", "fired", "task", "when")

    def __init__(self, task: asyncio.Task[object], when: float) -> None:
        self.task = task
        self.when = when  # loop time
        self.cancelling = task.cancelling()
        self.done = False
        self.fired = False

    def left(self, exc: BaseException | None) -> bool:
        """The fetch is over (`exc`: what ended it); True when it is this deadline's own
        cancellation that ended it (report a timeout, raise nothing)."""
        self.done = True
        if not self.fired:
            return False
        return self.task.uncancel() <= self.cancelling and isinstance(exc, asyncio.CancelledError)


class Deadlines:
    """Deadlines of one length (`seconds`) on one loop, expired by one timer handle."""

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self.loop = loop
        self.seconds = seconds
        self._queue: deque[Deadline] = deque()  # by start, so by deadline too
        self._timer: asyncio.TimerHandle | None = None

    def start(self) -> Deadline:
        """A deadline `seconds` from now for the running task."""
        loop = self.loop
        task = asyncio.current_task(loop)
        if task is None:
            raise RuntimeError("a deadline bounds a task")
        deadline = Deadline(task, loop.time() + self.seconds)
        self._queue.append(deadline)
        if self._timer is None:
            self._timer = loop.call_at(deadline.when, self._expire)
        return deadline

    def _expire(self) -> None:
        """Cancel the fetches past their deadline; arm the timer for the next one running."""
        self._timer = None
        queue = self._queue
        now = self.loop.time()
        while queue:
            deadline = queue[0]
            if deadline.done:
                queue.popleft()
            elif deadline.when <= now:
                queue.popleft()
                deadline.fired = True
                deadline.task.cancel()
            else:
                self._timer = self.loop.call_at(deadline.when, self._expire)
                return

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._queue.clear()


class Gate:
    """At most `slots` holders at once; waiters are served in the order they came."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop it is used in

    def take_now(self) -> bool:
        """Take a slot if one is free and nobody waits for one (no await needed)."""
        if self.free > 0 and not self._waiters:
            self.free -= 1
            return True
        return False

    async def take(self) -> None:
        """Take a slot, waiting for one when none is free."""
        if self.take_now():
            return
        loop = self._loop
        if loop is None:  # found once: each lookup of the running loop is a getpid() call
            loop = self._loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give()  # handed a slot just before the cancel: pass it on
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def give(self) -> None:
        """Give a slot back: to the first waiter still waiting, else to the free ones."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot goes straight to it
                return
        self.free += 1
