"""The HTTP engine: polite per host, HEAD then GET, redirects by hand, retries, no bodies.

One `requests.Session` with a connection pool serves every thread. Redirects are followed
by hand so that each hop is checked against the address policy and loops are caught.
`Scheduler` runs checks on a thread pool while keeping at most `per_host` in flight per
host and holding back a host that answered 429 until its Retry-After has passed.
"""

from __future__ import annotations

import email.utils
import http.cookiejar
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict

from catalog.links.safety import AddressPolicy, Guard, GuardedAdapter, NameNotFound, RefusedAddress
from catalog.links.verdict import PERMANENT_REDIRECTS, Result, Status, classify_status

DEFAULT_CONTACT = "https://github.com/yuheng2000/Awesome-LoRA"
# Statuses some servers give HEAD but not GET: ask again with GET before judging.
HEAD_REFUSED = frozenset({400, 401, 403, 404, 405, 406, 409, 410, 418, 500, 501, 999})
SMALL_BODY = 64 * 1024  # a body this small is read so the connection can be reused


def user_agent(contact: str | None = None) -> str:
    """An honest User-Agent: who we are and where to complain."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("catalog")
    except PackageNotFoundError:
        ours = "0"
    return f"catalog-check-links/{ours} (+{contact or DEFAULT_CONTACT})"


@dataclass(frozen=True)
class Settings:
    """Everything that shapes how hard and how long we knock on each host."""

    concurrency: int = 64
    per_host: int = 6
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 10
    retry_after_cap: float = 60.0
    user_agent: str = field(default_factory=user_agent)
    policy: AddressPolicy = field(default_factory=AddressPolicy)


@dataclass(frozen=True)
class Snapshot:
    """What we keep of a response: status, headers and at most a capped body."""

    status: int
    headers: Mapping[str, str]
    url: str
    body: bytes = b""
    truncated: bool = False


@dataclass
class Fetched:
    """The outcome of `Engine.fetch`: a final response, or the reason there is none."""

    url: str
    response: Snapshot | None = None
    status: Status | None = None  # set when there is no usable response
    message: str = ""
    attempts: int = 0
    suggestion: str | None = None  # the target of a permanent redirect chain
    final_url: str | None = None


@dataclass
class HostState:
    limit: int
    not_before: float = 0.0
    head_refused: bool = False
    inflight: int = 0


class Hosts:
    """Per-host politeness shared by all threads: slot limits and 429 back-off."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._states: dict[str, HostState] = {}
        self._lock = threading.Lock()

    def get(self, host: str) -> HostState:
        with self._lock:
            state = self._states.get(host)
            if state is None:
                state = self._states[host] = HostState(self._per_host)
            return state

    def slow_down(self, host: str, delay: float) -> None:
        """After a 429: nothing new for this host before `delay`, and half as many at once."""
        state = self.get(host)
        with self._lock:
            state.not_before = max(state.not_before, time.monotonic() + delay)
            state.limit = max(1, state.limit // 2)

    def wait_turn(self, host: str) -> None:
        delay = self.get(host).not_before - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def retry_after(headers: Mapping[str, str], cap: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP date), capped."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), cap)


def _refused_in(exc: BaseException) -> RefusedAddress | None:
    """The RefusedAddress buried in a requests/urllib3 exception chain, if any."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, RefusedAddress):
            return item
        todo.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, requests.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.Timeout):
        return "timed out waiting for the server"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    text = str(exc)
    for phrase, said in (
        ("Connection refused", "connection refused"),
        ("Connection reset", "connection reset"),
        ("RemoteDisconnected", "server closed the connection"),
        ("Max retries exceeded", "could not connect"),
    ):
        if phrase in text:
            return said
    return type(exc).__name__


class Engine:
    """Checks URLs over one pooled session; safe to call from many threads."""

    def __init__(self, settings: Settings, guard: Guard | None = None) -> None:
        self.settings = settings
        self.hosts = Hosts(settings.per_host)
        self.guard = guard or Guard(settings.policy)
        session = requests.Session()
        session.trust_env = False  # no proxies or netrc: check from where we stand
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        pool = max(settings.concurrency, settings.per_host)
        adapter = GuardedAdapter(
            settings.policy, pool_connections=100, pool_maxsize=pool, max_retries=0
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"User-Agent": settings.user_agent, "Accept": "*/*"})
        self.session = session
        self.requests_sent = 0
        self._count_lock = threading.Lock()

    def close(self) -> None:
        self.session.close()

    # -- one request ---------------------------------------------------------------------

    def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body_cap: int = 0,
        jar: RequestsCookieJar | None = None,
    ) -> Snapshot:
        """One request, no redirects followed; reads at most `body_cap` bytes of body."""
        with self._count_lock:
            self.requests_sent += 1
        response = self.session.request(
            method,
            url,
            headers=dict(headers or {}),
            cookies=jar,
            allow_redirects=False,
            stream=True,
            timeout=(self.settings.timeout, self.settings.timeout),
        )
        try:
            body, truncated = _read_capped(response, body_cap)
            if jar is not None:
                jar.update(response.cookies)
            return Snapshot(
                response.status_code,
                CaseInsensitiveDict(response.headers),
                url,
                body,
                truncated,
            )
        finally:
            response.close()

    def _with_retries(
        self, url: str, attempt: Callable[[], tuple[Snapshot, int]], min_pause: float = 0.0
    ) -> tuple[Snapshot | None, BaseException | None, int]:
        """Run `attempt` until it gives a final answer: retries timeouts, resets, 5xx, 429.

        `min_pause` is the least wait before a retry (an API's own rate rule, e.g. arXiv's).
        """
        host = host_key(url)
        sent = 0
        tries = self.settings.retries + 1
        for number in range(tries):
            last = number == tries - 1
            self.hosts.wait_turn(host)
            pause = max(min_pause, self.settings.backoff * (2**number))
            try:
                snapshot, count = attempt()
                sent += count
            except requests.RequestException as exc:
                sent += 1
                if _refused_in(exc) or last:
                    return None, exc, sent
                if isinstance(exc, requests.exceptions.SSLError | requests.exceptions.InvalidURL):
                    return None, exc, sent
                time.sleep(pause)
                continue
            if snapshot.status == 429:
                wait_for = retry_after(snapshot.headers, self.settings.retry_after_cap)
                self.hosts.slow_down(host, pause if wait_for is None else wait_for)
                if last:
                    return snapshot, None, sent
                continue  # wait_turn sleeps until the host may be asked again
            if snapshot.status >= 500 and snapshot.status != 501 and not last:
                wait_for = retry_after(snapshot.headers, self.settings.retry_after_cap)
                time.sleep(pause if wait_for is None else wait_for)
                continue
            return snapshot, None, sent
        raise AssertionError("unreachable")

    def _probe(self, url: str, jar: RequestsCookieJar) -> tuple[Snapshot, int]:
        """HEAD, and GET when the server refuses HEAD (remembered per host)."""
        state = self.hosts.get(host_key(url))
        if not state.head_refused:
            head = self.send("HEAD", url, jar=jar)
            if head.status not in HEAD_REFUSED:
                return head, 1
            if head.status in (405, 501):
                state.head_refused = True
            return self.send("GET", url, jar=jar), 2
        return self.send("GET", url, jar=jar), 1

    # -- a URL, redirects followed -------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        method: str | None = None,
        headers: Mapping[str, str] | None = None,
        body_cap: int = 0,
        min_pause: float = 0.0,
    ) -> Fetched:
        """Follow `url` to its final response, checking every hop against the policy.

        `method=None` probes with HEAD then GET; otherwise that method is sent each hop.
        `min_pause` is the least wait before a retry.
        """
        jar = RequestsCookieJar()
        outcome = Fetched(url)
        chain = [url]
        current = url
        permanent_so_far = True
        while True:
            try:
                refusal = self.guard.refusal(current)
            except NameNotFound as exc:
                return _set(outcome, "broken", str(exc), current)
            except ValueError as exc:
                return _set(outcome, "broken", f"invalid URL {current!r}: {exc}", current)
            except OSError as exc:
                return _set(outcome, "error", str(exc), current)
            if refusal:
                return _set(outcome, "skipped", refusal, current)

            def attempt(target: str = current) -> tuple[Snapshot, int]:
                if method is None:
                    return self._probe(target, jar)
                return self.send(method, target, headers=headers, body_cap=body_cap, jar=jar), 1

            snapshot, failure, sent = self._with_retries(current, attempt, min_pause)
            outcome.attempts += sent
            if failure is not None:
                refused = _refused_in(failure)
                if refused is not None:
                    return _set(outcome, "skipped", f"refused: {refused}", current)
                if isinstance(
                    failure, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema
                ):
                    return _set(outcome, "broken", f"invalid URL: {failure}", current)
                tries = self.settings.retries + 1
                return _set(
                    outcome, "error", f"{_describe(failure)} (after {tries} tries)", current
                )
            assert snapshot is not None
            location = snapshot.headers.get("location")
            if 300 <= snapshot.status < 400 and snapshot.status != 304 and location:
                try:
                    target = urljoin(current, location.strip())
                except ValueError:
                    return _set(outcome, "broken", f"redirects to an invalid URL {location!r}")
                if target in chain:
                    loop = " -> ".join([*chain[chain.index(target) :], target])
                    return _set(outcome, "error", f"redirect loop: {loop}", current)
                if len(chain) > self.settings.max_redirects:
                    limit = self.settings.max_redirects
                    return _set(outcome, "error", f"more than {limit} redirects", current)
                if snapshot.status in PERMANENT_REDIRECTS and permanent_so_far:
                    outcome.suggestion = target
                else:
                    permanent_so_far = False
                chain.append(target)
                current = target
                continue
            outcome.response = snapshot
            outcome.final_url = current
            return outcome

    def check(self, url: str) -> Result:
        """The verdict on one URL by plain HTTP."""
        started = time.monotonic()
        fetched = self.fetch(url)
        return verdict_of(fetched, started)


def verdict_of(fetched: Fetched, started: float, **extra: Any) -> Result:
    """Turn a fetch outcome into a Result; `extra` overrides fields (message, status...)."""
    elapsed = int((time.monotonic() - started) * 1000)
    response = fetched.response
    if response is None:
        fields: dict[str, Any] = {
            "status": fetched.status or "error",
            "message": fetched.message,
            "final_url": fetched.final_url,
        }
    else:
        status = classify_status(response.status)
        message = f"HTTP {response.status}"
        if response.status == 429:
            message += " (rate limited, after retries)"
        elif response.status >= 500:
            message += " (after retries)"
        elif status == "blocked":
            message += " (the site turns away scripts; not verified)"
        elif 300 <= response.status < 400 and response.status != 304:
            message += " (a redirect without a Location)"
        suggestion = None
        if status == "ok" and fetched.suggestion:
            status = "redirected"
            suggestion = fetched.suggestion
            message = f"moved permanently to {suggestion}"
        fields = {
            "status": status,
            "http_status": response.status,
            "final_url": fetched.final_url,
            "message": message,
            "suggestion": suggestion,
        }
    fields.update(extra)
    url = fields.pop("url", fetched.url)
    return Result(url, attempts=fetched.attempts, elapsed_ms=elapsed, **fields)


def _set(outcome: Fetched, status: Status, message: str, final: str | None = None) -> Fetched:
    outcome.status = status
    outcome.message = message
    outcome.final_url = final
    return outcome


def _read_capped(response: requests.Response, cap: int) -> tuple[bytes, bool]:
    """Read at most `cap` body bytes; read small bodies whole so the connection is reused."""
    if response.request.method == "HEAD":
        return response.content or b"", False
    if cap > 0:
        data = response.raw.read(cap + 1, decode_content=True) or b""
        return data[:cap], len(data) > cap
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) <= SMALL_BODY:
        _ = response.content
    return b"", False


# -- scheduling --------------------------------------------------------------------------

Job = Callable[[], list[Result]]


@dataclass
class Task:
    """Work for one host: a callable that returns the results of one or more URLs."""

    host: str
    job: Job
    urls: tuple[str, ...]


class Scheduler:
    """Runs tasks on a thread pool: `concurrency` at once, `per_host` at once per host."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self, tasks: Iterable[Task], on_result: Callable[[Result], None] | None = None
    ) -> list[Result]:
        queues: dict[str, deque[Task]] = {}
        for task in tasks:
            queues.setdefault(task.host, deque()).append(task)
        results: list[Result] = []
        limit = max(1, self.engine.settings.concurrency)
        hosts = self.engine.hosts
        running: dict[Future[list[Result]], Task] = {}
        with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="check-links") as pool:
            while queues or running:
                now = time.monotonic()
                wake: float | None = None
                for host in list(queues):
                    state = hosts.get(host)
                    if state.not_before > now:
                        wake = state.not_before if wake is None else min(wake, state.not_before)
                        continue
                    queue = queues[host]
                    while queue and len(running) < limit and state.inflight < state.limit:
                        task = queue.popleft()
                        state.inflight += 1
                        running[pool.submit(_guarded, task)] = task
                    if not queue:
                        del queues[host]
                timeout = None if wake is None else max(0.0, wake - now)
                if not running:
                    time.sleep(timeout or 0.0)
                    continue
                done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    hosts.get(task.host).inflight -= 1
                    for result in future.result():
                        results.append(result)
                        if on_result is not None:
                            on_result(result)
        return results


def _guarded(task: Task) -> list[Result]:
    """A task that raises still yields one `error` per URL: one bad URL never stops a run."""
    try:
        return task.job()
    except Exception as exc:  # a bug or an odd URL; report it, keep checking the rest
        return [Result(url, "error", message=f"internal error: {exc!r}") for url in task.urls]
