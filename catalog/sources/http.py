"""The one HTTP engine every outside request goes through: link checks and source clients.

- One libcurl multi handle (`transport.py`) on the running loop: pooled, reused connections;
  no proxies, no cookie jar shared across URLs.
- The SSRF guard (`safety.py`) on every hop: redirects are followed here, by hand; curl
  connects only to the addresses the guard checked.
- Per-host politeness (`limits.py`): in-flight slots, an API's published interval, and
  `Retry-After` windows (a 429 holds back the whole host, then its slots come back); at most
  `concurrency` requests in flight in all, a slot taken only once the host's turn has come.
- One deadline bounds a whole fetch: connecting, redirects, retries and waits. A `Retry-After`
  that would end past it is reported ("asks to wait 600 s") instead of slept through.
- Bodies are never decoded (`Accept-Encoding: identity`, no decompression) and never read past
  a cap, so a gzip bomb or an endless body costs at most the cap.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from catalog.sources.deadlines import Deadlines, Gate
from catalog.sources.failures import error_verdict, final_error, malformed
from catalog.sources.limits import Hosts
from catalog.sources.limits import host_key as host_key
from catalog.sources.safety import Guard, NameNotFound
from catalog.sources.safety import RefusedAddress as RefusedAddress
from catalog.sources.settings import Settings as Settings
from catalog.sources.settings import user_agent as user_agent
from catalog.sources.tls import Tls
from catalog.sources.transport import SMALL_BODY as SMALL_BODY
from catalog.sources.transport import Transport
from catalog.sources.types import Fetched, Snapshot

# Statuses some servers give HEAD but not GET: ask again with GET before judging.
HEAD_REFUSED = frozenset({400, 401, 403, 404, 405, 406, 409, 410, 418, 500, 501, 999})
API_BODY_CAP = 2_000_000  # an API answer larger than this is not a real answer
UNTIL_MARGIN = 1.0  # seconds before a caller's `until` when no request goes out any more


class TooLongWait(Exception):
    """The host may not be asked before the deadline: `seconds` is how long it asks to wait."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def retry_after(headers: Mapping[str, str], cap: float = math.inf) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), capped."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # an HTTP date: rare, so not imported before it is met

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - time.time()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)


class _Ask:
    """What every try of one hop sends: its method (None: HEAD, then GET if refused), headers,
    body cap, the chain's cookies and the request body."""

    __slots__ = ("body_cap", "cookies", "data", "headers", "method")

    def __init__(
        self,
        method: str | None,
        headers: Mapping[str, str] | None,
        body_cap: int,
        cookies: dict[str, str],
        data: bytes | None,
    ) -> None:
        self.method = method
        self.headers = headers
        self.body_cap = body_cap
        self.cookies = cookies
        self.data = data


def _timed_out(outcome: Fetched, budget: float) -> Fetched:
    said = f"timed out: no answer within the {budget:g} s deadline (slow or dripping)"
    return outcome.fail("error", said, outcome.final_url or outcome.url)


class _Tries:
    """What the tries of one hop came to (a plain class: see `types.Snapshot`)."""

    __slots__ = ("error", "sent", "snapshot", "wait")

    def __init__(self) -> None:
        self.snapshot: Snapshot | None = None
        self.error: BaseException | None = None
        self.sent = 0
        self.wait: float | None = None  # the host's wait that would pass the deadline


class Http:
    """The engine: one session, the guard, per-host state. Create and use it in one loop."""

    def __init__(
        self, settings: Settings | None = None, guard: Guard | None = None, **guard_options: Any
    ) -> None:
        self.settings = settings or Settings()
        self.guard = guard or Guard(self.settings.policy, **guard_options)
        self.hosts = Hosts(self.settings.per_host, self.settings.intervals)
        # requests in flight, all hosts together (taken after the host's turn: see _admitted)
        self._gate = Gate(max(1, self.settings.concurrency))
        self._deadlines: Deadlines | None = None  # every fetch's, on one timer (deadlines.py)
        self.requests_sent = 0
        self.tls = Tls()  # its CA bundle is found before the first https request
        self.transport = Transport(self.settings, self.guard, self.tls)

    async def __aenter__(self) -> Http:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._deadlines is not None:
            self._deadlines.close()
        await self.transport.close()

    # -- one request -------------------------------------------------------------------------

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body_cap: int = 0,
        cookies: dict[str, str] | None = None,
        end: float | None = None,
        data: bytes | None = None,
        host: str | None = None,
    ) -> Snapshot:
        """One request, no redirect followed, after the host's turn; reads at most `body_cap`.

        `host` is `host_key(url)` when the caller knows it. Raises TooLongWait when the host
        may not be asked before `end`.
        """
        if host is None:
            host = host_key(url)
        if self.hosts.free(host, url) and self._gate.take_now():  # the common case: no await
            self._in_time(end)
        else:
            await self._admitted(host, url, end)
        self.requests_sent += 1
        try:
            pin = self.guard.pinned(url) or await self.guard.pin(url)
            name, port, addresses = pin
            return await self.transport.exchange(
                method,
                url,
                host=name,
                port=port,
                addresses=addresses,
                headers=headers,
                body_cap=body_cap,
                cookies=cookies,
                data=data,
            )
        finally:
            self._gate.give()
            if self.hosts.intervals:
                self.hosts.answered(url)

    async def _admitted(self, host: str, url: str, end: float | None) -> None:
        """Wait for the host's turn, then for one of the run's `concurrency` request slots.

        A request waiting out its host's Retry-After window holds no run slot, so a window on
        one host never stalls the others; a window that opened while it waited for a slot is
        waited out too. Raises TooLongWait when the host may not be asked before `end`.
        """
        while True:
            if not self.hosts.free(host, url):
                wait = await self.hosts.turn(host, url, end)
                if wait is not None:
                    raise TooLongWait(wait)
            await self._gate.take()
            self._in_time(end)
            if not self.hosts.held_back(host):
                return
            self._gate.give()

    def _in_time(self, end: float | None) -> None:
        """With a run slot just taken: past `end`, give it back and raise TooLongWait (the
        deadline has passed: nothing more goes out)."""
        if end is not None and time.monotonic() > end:
            self._gate.give()
            raise TooLongWait(0.0)

    async def _with_retries(self, url: str, ask: _Ask, end: float) -> _Tries:
        """Try `url` until a final answer: retries timeouts, resets, 5xx and 429."""
        tries = _Tries()
        count = self.settings.retries + 1
        asked_again = False  # a malformed answer gets one more try, at once (failures.py)
        for number in range(count):
            last = number == count - 1
            pause = self.settings.backoff * (2**number)
            try:
                if ask.method is None:  # HEAD, then GET when refused
                    snapshot, sent = await self._probe(url, ask.cookies, end)
                else:
                    sent = 1
                    snapshot = await self.send(
                        ask.method,
                        url,
                        headers=ask.headers,
                        body_cap=ask.body_cap,
                        cookies=ask.cookies,
                        end=end,
                        data=ask.data,
                    )
                tries.sent += sent
            except TooLongWait as waiting:
                tries.wait = waiting.seconds
                return tries
            except OSError as exc:
                tries.sent += 1
                tries.error = exc
                if malformed(exc) is not None:
                    if asked_again or last:
                        return tries
                    asked_again = True
                    continue
                if last or final_error(exc) or time.monotonic() + pause > end:
                    return tries
                await asyncio.sleep(pause)
                continue
            tries.snapshot, tries.error = snapshot, None
            status = snapshot.status
            if status == 429:
                asked = retry_after(snapshot.headers)
                self.hosts.slow_down(host_key(url), pause if asked is None else asked)
                if last:
                    return tries
                continue  # the next attempt's turn waits out the window, or reports it
            if status >= 500 and status != 501 and not last:
                asked = retry_after(snapshot.headers)
                delay = pause if asked is None else asked
                if time.monotonic() + delay > end:
                    if asked is not None:
                        tries.wait = asked
                    return tries
                await asyncio.sleep(delay)
                continue
            return tries
        return tries

    async def _probe(self, url: str, cookies: dict[str, str], end: float) -> tuple[Snapshot, int]:
        """HEAD, and GET when the server refuses HEAD (remembered per host)."""
        host = host_key(url)
        state = self.hosts.get(host)
        if not state.head_refused:
            head = await self.send("HEAD", url, cookies=cookies, end=end, host=host)
            if head.status not in HEAD_REFUSED:
                return head, 1
            if head.status in (405, 501):
                state.head_refused = True
            return await self.send("GET", url, cookies=cookies, end=end, host=host), 2
        return await self.send("GET", url, cookies=cookies, end=end, host=host), 1

    # -- a URL, redirects followed -----------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        method: str | None = None,
        headers: Mapping[str, str] | None = None,
        body_cap: int = 0,
        data: bytes | None = None,
        until: float | None = None,
    ) -> Fetched:
        """Follow `url` to its final response within the deadline, every hop guarded.

        `method=None` probes with HEAD then GET; otherwise that method is sent each hop (with
        `data` as its body: an API's POST). `until` (a `time.monotonic()` time) ends the fetch
        sooner than the settings' deadline: a caller's own budget (`catalog sync --budget`);
        no request goes out in its last UNTIL_MARGIN seconds, so none is cut off unanswered.
        """
        outcome = Fetched(url)
        budget = full = self.settings.budget
        now = time.monotonic()
        end = now + budget
        if until is not None:
            budget = max(0.0, min(budget, until - now))
            end = min(end, until - UNTIL_MARGIN)
        if budget != full:  # a caller's own budget: a deadline of its own length
            try:
                async with asyncio.timeout(budget):
                    return await self._follow(outcome, method, headers, body_cap, end, data)
            except TimeoutError:
                return _timed_out(outcome, budget)
        deadlines = self._deadlines
        if deadlines is None:
            deadlines = self._deadlines = Deadlines(asyncio.get_running_loop(), full)
        deadline = deadlines.start()
        try:
            fetched = await self._follow(outcome, method, headers, body_cap, end, data)
        except BaseException as exc:
            if deadline.left(exc):
                return _timed_out(outcome, budget)
            raise
        deadline.left(None)
        return fetched

    async def _follow(
        self,
        outcome: Fetched,
        method: str | None,
        headers: Mapping[str, str] | None,
        body_cap: int,
        end: float,
        data: bytes | None = None,
    ) -> Fetched:
        chain = [outcome.url]
        current = outcome.url
        permanent_so_far = True
        cookies: dict[str, str] = {}
        while True:
            outcome.final_url = current
            try:
                known, refusal = self.guard.remembered(current)
                if not known:
                    refusal = await self.guard.refusal(current)
            except NameNotFound as exc:
                return outcome.fail("broken", str(exc), current)
            except ValueError as exc:
                return outcome.fail("broken", f"invalid URL {current!r}: {exc}", current)
            except OSError as exc:
                return outcome.fail("error", str(exc), current)
            if refusal:
                return outcome.fail("skipped", refusal, current)

            ask = _Ask(method, headers, body_cap, cookies, data)
            tries = await self._with_retries(current, ask, end)
            outcome.attempts += tries.sent
            if tries.wait is not None:
                host = host_key(current)
                said = (
                    f"{host} asks to wait {tries.wait:.0f} s (Retry-After), past this check's "
                    f"{self.settings.budget:g} s deadline; not verified"
                )
                if tries.snapshot is not None:
                    outcome.response = tries.snapshot
                return outcome.fail("error", said, current)
            if tries.error is not None:
                return outcome.fail(*error_verdict(tries.error, self.settings.retries), current)
            snapshot = tries.snapshot
            assert snapshot is not None
            redirect = 300 <= snapshot.status < 400 and snapshot.status != 304
            location = snapshot.headers.get("location") if redirect else None
            if location:
                try:
                    target = urljoin(current, location.strip())
                except ValueError:
                    return outcome.fail("broken", f"redirects to an invalid URL {location!r}")
                if target in chain:
                    loop = " -> ".join([*chain[chain.index(target) :], target])
                    return outcome.fail("error", f"redirect loop: {loop}", current)
                if len(chain) > self.settings.max_redirects:
                    limit = self.settings.max_redirects
                    return outcome.fail("error", f"more than {limit} redirects", current)
                if snapshot.status in (301, 308) and permanent_so_far:
                    outcome.suggestion = target
                else:
                    permanent_so_far = False
                if host_key(target) != host_key(current):
                    cookies = {}  # a cookie never travels to another host
                chain.append(target)
                current = target
                continue
            outcome.response = snapshot
            outcome.final_url = current
            return outcome
