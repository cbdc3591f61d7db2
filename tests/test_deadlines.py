"""Every fetch's deadline on one timer, and the run's request slots (catalog/sources/
deadlines.py): each fetch is cut at its own deadline, never at another's; a cancellation
from outside (Ctrl-C) is never mistaken for a deadline; a slot handed to a waiter that is
cancelled passes on to the next."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from links_server import ok, serve, slow

from catalog.links.check import check
from catalog.sources.blocking import run_to_end
from catalog.sources.deadlines import Gate
from catalog.sources.http import Http, Settings
from catalog.sources.safety import AddressPolicy


def settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"timeout": 5, "retries": 0, "deadline": 1.0}
    values.update(changes)
    return Settings(policy=AddressPolicy(allow_private=True), **values)


def test_each_fetch_is_cut_at_its_own_deadline() -> None:
    async def go(base: str) -> tuple[Any, Any, Any, list[float]]:
        async with Http(settings()) as engine:
            begun: list[float] = []

            async def timed(url: str, after: float) -> Any:
                await asyncio.sleep(after)
                begun.append(time.monotonic())
                return await check(engine, url)

            first, second, fast = await asyncio.gather(
                timed(f"{base}/slow", 0.0),
                timed(f"{base}/slow", 0.4),
                timed(f"{base}/ok", 0.2),
            )
            return first, second, fast, begun

    with serve({"/slow": slow(3), "/ok": ok}) as server:
        first, second, fast, _ = run_to_end(go(server.base))
    assert fast.status == "ok"
    for cut in (first, second):
        assert cut.status == "error" and "1 s deadline" in cut.message
        assert 900 <= cut.elapsed_ms < 1600, cut  # its own second: not cut with the first one


def test_a_cancel_from_outside_is_not_a_deadline() -> None:
    async def go(base: str) -> tuple[bool, Any]:
        async with Http(settings()) as engine:
            running = asyncio.ensure_future(check(engine, f"{base}/slow"))
            await asyncio.sleep(0.3)
            running.cancel()  # what Ctrl-C does to the run
            try:
                await running
                cancelled = False
            except asyncio.CancelledError:
                cancelled = True
            # the cancelled fetch's deadline (0.7 s from now) must not cut this one
            later = await check(engine, f"{base}/half")
            return cancelled, later

    with serve({"/slow": slow(3), "/half": slow(0.9)}) as server:
        cancelled, later = run_to_end(go(server.base))
    assert cancelled
    assert later.status == "ok", later


def test_a_cancel_as_the_deadline_fires_still_cancels() -> None:
    """The deadline's cancel taken back, the outer one stays: the run stops (asyncio.timeout
    does the same)."""

    async def go(base: str) -> bool:
        async with Http(settings(deadline=0.5)) as engine:
            running = asyncio.ensure_future(check(engine, f"{base}/slow"))
            await asyncio.sleep(0.5)  # the deadline fires in this turn or the next
            running.cancel()
            try:
                await running
            except asyncio.CancelledError:
                return True
            return False

    with serve({"/slow": slow(3)}) as server:
        assert run_to_end(go(server.base))


def test_a_slot_handed_to_a_cancelled_waiter_passes_on() -> None:
    async def go() -> list[str]:
        gate = Gate(1)
        order: list[str] = []
        assert gate.take_now()

        async def wait(name: str) -> None:
            await gate.take()
            order.append(name)

        first = asyncio.ensure_future(wait("first"))
        second = asyncio.ensure_future(wait("second"))
        await asyncio.sleep(0)
        gate.give()  # the slot goes to `first` ...
        first.cancel()  # ... which is cancelled before it runs
        await asyncio.gather(first, return_exceptions=True)
        await asyncio.wait_for(second, 1)
        assert not gate.take_now()  # `second` holds the only slot
        gate.give()
        assert gate.take_now()
        return order

    assert run_to_end(go()) == ["second"]


@pytest.mark.parametrize("slots", [1, 3])
def test_the_gate_never_lets_more_in_than_its_slots(slots: int) -> None:
    async def go() -> int:
        gate = Gate(slots)
        inside = most = 0

        async def one() -> None:
            nonlocal inside, most
            await gate.take()
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1
            gate.give()

        await asyncio.gather(*(one() for _ in range(20)))
        return most

    assert run_to_end(go()) == slots
