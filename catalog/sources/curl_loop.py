"""libcurl's multi interface driven by the running asyncio loop (its "multi_socket" API).

curl says which sockets it waits on (`M_SOCKETFUNCTION`: watched with `add_reader` and
`add_writer`) and when it next needs the clock (`M_TIMERFUNCTION`: `call_soon`, or one timer
handle kept armed and re-armed only when curl wants it sooner); the loop tells it what
happened (`socket_action`), and the transfers that ended are collected right after every
action, in the same loop turn, so an answer reaches its waiting coroutine without another
turn. On Linux curl's sockets sit in an epoll set of their own, which the loop watches as one
reader: curl drops a kept-alive connection's socket at the end of every transfer and adds it
again at the next, and it stays in the set meanwhile (`_epoll_watch`), so a reused connection
costs no system call. pycurl ships a wrapper of its own (`pycurl.AsyncCurlMulti`); this one
is leaner per request (no done-callback per transfer, no rescheduled timer on each new
transfer, no turn between an answer and its waiter), which is most of what a request costs on
this side.
"""

from __future__ import annotations

import asyncio
import select
from contextlib import suppress
from typing import Any

import pycurl

_IN, _OUT = pycurl.POLL_IN, pycurl.POLL_OUT
_EPOLL = getattr(select, "epoll", None)  # Linux: curl's sockets in an epoll set of their own
if _EPOLL is not None:
    _READ = select.EPOLLIN | select.EPOLLHUP | select.EPOLLERR
    _WRITE = select.EPOLLOUT | select.EPOLLHUP | select.EPOLLERR

# What a transfer ends with: None (done) or (curl's error code, its message).
Ending = tuple[int, str] | None


class CurlLoop:
    """One multi handle on one loop: `await perform(curl)` runs a prepared easy handle."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.multi = pycurl.CurlMulti()
        self.multi.setopt(pycurl.M_SOCKETFUNCTION, self._watch)
        self.multi.setopt(pycurl.M_TIMERFUNCTION, self._clock)
        self._watched: dict[int, int] = {}  # fd -> the events watched (POLL_IN | POLL_OUT)
        # epoll: sockets curl stopped watching (an idle kept-alive connection), left in the
        # set: fd -> (the events registered, `opened` then); see _epoll_watch
        self._parked: dict[int, tuple[int, int]] = {}
        self.opened = 0  # sockets curl has opened (the transport counts them: socket_opened)
        # curl's one timer: when it wants to act (loop time; None: no timer), and what is
        # armed for it: a call_soon (curl asks 0 ms per new transfer) and a later handle
        self._wanted: float | None = None
        self._soon = False
        self._timer: asyncio.TimerHandle | None = None
        self._armed = 0.0  # when `_timer` fires
        self._clocked = 0  # curl's timer calls so far (to see whether an action set one)
        self._running: dict[Any, asyncio.Future[Ending]] = {}
        self.closed = False
        self._poller: Any = None
        if _EPOLL is not None:
            self._poller = _EPOLL()
            loop.add_reader(self._poller.fileno(), self._events)

    async def perform(self, curl: Any) -> Ending:
        """Run `curl` to its end; cancelled, the transfer is taken out of curl at once."""
        waiter: asyncio.Future[Ending] = self.loop.create_future()
        self._running[curl] = waiter
        try:
            self.multi.add_handle(curl)
        except BaseException:
            del self._running[curl]
            raise
        try:
            return await waiter
        finally:
            if self._running.pop(curl, None) is not None:  # not ended: cancelled
                self.multi.remove_handle(curl)

    def _watch(self, what: int, fd: int, _multi: Any, _socketp: Any) -> None:
        """curl's socket callback: which events to watch on `fd` now (none once removed)."""
        wanted = 0 if what == pycurl.POLL_REMOVE else what & (_IN | _OUT)
        had = self._watched.get(fd, 0)
        if self._poller is not None:
            self._epoll_watch(fd, had, wanted)
            return
        loop = self.loop
        if had & _IN and not wanted & _IN:
            loop.remove_reader(fd)
        if had & _OUT and not wanted & _OUT:
            loop.remove_writer(fd)
        if wanted & _IN and not had & _IN:
            loop.add_reader(fd, self._act, fd, pycurl.CSELECT_IN)
        if wanted & _OUT and not had & _OUT:
            loop.add_writer(fd, self._act, fd, pycurl.CSELECT_OUT)
        if wanted:
            self._watched[fd] = wanted
        else:
            self._watched.pop(fd, None)

    def socket_opened(self) -> None:
        """curl opens a socket (its OPENSOCKETFUNCTION): a number parked may be reused now."""
        self.opened += 1

    def _epoll_watch(self, fd: int, had: int, wanted: int) -> None:
        """Watch `fd` in the epoll set. curl stops watching a connection at the end of every
        transfer and watches it again at the next one: the socket stays in the set meanwhile
        (parked), so a reused connection costs no system call. A parked number is known to be
        the same socket while curl has opened none since (every socket it opens passes the
        transport's opener); after that it is modified, or registered when it is new."""
        poller = self._poller
        if not wanted:
            if had:
                del self._watched[fd]
                self._parked[fd] = (had, self.opened)
            return
        mask = (_READ if wanted & _IN else 0) | (_WRITE if wanted & _OUT else 0)
        self._watched[fd] = wanted
        if had:
            if had != wanted:
                poller.modify(fd, mask)
            return
        parked = self._parked.pop(fd, None)
        if parked is not None:
            was, opened = parked
            if opened == self.opened:  # the same socket, still in the set
                if was != wanted:
                    poller.modify(fd, mask)
                return
            with suppress(FileNotFoundError):  # a new socket under that number: register it
                poller.modify(fd, mask)
                return
        try:
            poller.register(fd, mask)
        except FileExistsError:  # the number of a socket closed unannounced, reused
            poller.modify(fd, mask)

    def _events(self) -> None:
        """The epoll set is readable: act on every socket that is ready, then collect."""
        if self.closed:
            return
        action = self.multi.socket_action
        watched = self._watched
        try:
            for fd, mask in self._poller.poll(0):
                if fd not in watched:  # parked: an idle connection closed by the server
                    self._unpark(fd)
                    continue
                events = (pycurl.CSELECT_IN if mask & _READ else 0) | (
                    pycurl.CSELECT_OUT if mask & _WRITE else 0
                )
                action(fd, events)
        except pycurl.error as exc:
            self._fail(exc)
            return
        self._collect()

    def _unpark(self, fd: int) -> None:
        """Out of the set: curl does not watch it (it finds the connection closed when it
        next tries it, and watches it anew)."""
        self._parked.pop(fd, None)
        with suppress(OSError):  # closed already: the kernel dropped it from the set
            self._poller.unregister(fd)

    def _clock(self, msecs: int) -> None:
        """curl's timer callback: act on the clock in `msecs` (-1: no timer).

        curl moves its timer at nearly every call (a new transfer asks 0 ms, then its
        timeouts, seconds away); a handle armed earlier than the new time is kept, and when
        it fires before curl's time it only re-arms: far fewer handles made and cancelled.
        """
        self._clocked += 1
        if self.closed:
            return
        if msecs < 0:
            self._wanted = None
            return
        loop = self.loop
        if msecs == 0:
            self._wanted = 0.0
            if not self._soon:
                self._soon = True
                loop.call_soon(self._tick_soon)
            return
        when = loop.time() + msecs / 1000
        self._wanted = when
        if not self._soon:
            self._arm(when)

    def _arm(self, when: float) -> None:
        """A handle firing at `when` at the latest (one armed sooner is kept)."""
        if self._timer is not None:
            if self._armed <= when:
                return
            self._timer.cancel()
        self._armed = when
        self._timer = self.loop.call_at(when, self._tick_later)

    def _tick_soon(self) -> None:
        self._soon = False
        self._fire()

    def _tick_later(self) -> None:
        self._timer = None
        self._fire()

    def _fire(self) -> None:
        """A handle fired: act when curl's time has come, else wait on for it."""
        wanted = self._wanted
        if wanted is None or self.closed:
            return
        if wanted > self.loop.time():
            self._arm(wanted)
            return
        clocked = self._clocked
        self._act(pycurl.SOCKET_TIMEOUT, 0)
        if self._clocked == clocked and self._wanted == wanted and not self.closed:
            # curl kept its timer (it acts on its own clock, which may lag ours by a hair):
            # ask again shortly rather than never
            self._wanted = wanted = self.loop.time() + 0.001
            self._arm(wanted)

    def _act(self, fd: int, events: int) -> None:
        if self.closed:
            return
        try:
            self.multi.socket_action(fd, events)
        except pycurl.error as exc:
            self._fail(exc)
            return
        self._collect()

    def _fail(self, exc: pycurl.error) -> None:
        """The multi handle itself failed: every transfer ends."""
        for curl in list(self._running):
            self._end(curl, (int(exc.args[0]), str(exc.args[-1])))

    def _collect(self) -> None:
        """Hand every transfer that ended to its waiter."""
        while True:
            queued, done, failed = self.multi.info_read()
            for curl in done:
                self._end(curl, None)
            for curl, code, said in failed:
                self._end(curl, (code, said))
            if not queued:
                return

    def _end(self, curl: Any, ending: Ending) -> None:
        waiter = self._running.pop(curl, None)
        self.multi.remove_handle(curl)
        if waiter is not None and not waiter.done():
            waiter.set_result(ending)

    def close(self) -> None:
        """Stop every transfer, stop watching, close the multi handle (and its connections)."""
        for curl in list(self._running):
            self._end(curl, (pycurl.E_ABORTED_BY_CALLBACK, "the engine was closed"))
        self.multi.close()  # closes the connections (asking to watch no more of them)
        self.closed = True
        self._wanted = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for fd in list(self._watched):
            self._watch(pycurl.POLL_REMOVE, fd, None, None)
        self._parked.clear()
        if self._poller is not None:
            self.loop.remove_reader(self._poller.fileno())
            self._poller.close()
