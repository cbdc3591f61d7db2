"""Floors for the site benchmark's browser figures, measured in the same run.

The machines are shared and noisy: a keystroke's 60 ms means little without what the same
browser takes, at the same moment, for the least a page can do. Each figure is printed
beside its floor: the same measurement around a trivial DOM change (a click's or a
keystroke's), the renderer main thread's CPU time per action from a Chrome trace (time
the thread ran, not time it waited for a core), and Lighthouse's score for a bare page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The least an action can cost: one text change in the page, then the next frame, timed
# as the site benchmark times a click or a keystroke.
FLOOR_JS = """async () => {
  let span = document.getElementById('bench-floor');
  if (!span) {
    span = document.body.appendChild(document.createElement('span'));
    span.id = 'bench-floor';
  }
  const t0 = performance.now();
  span.textContent = String(Math.random());
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
}"""

FLOOR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta name="description" content="The least a page can be: Lighthouse's floor on this machine.">
<title>Floor</title></head><body><h1>Floor</h1><p>A bare page.</p></body></html>
"""


def floor_site(work: Path) -> Path:
    """A folder holding one bare page, for Lighthouse's floor."""
    folder = work / "floor-site"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(FLOOR_PAGE, encoding="utf-8")
    return folder


def traced(
    browser: Any, page: Any, actions: list[Callable[[], float]]
) -> tuple[list[float], float]:
    """Each action's wall time (ms) and the renderer main thread's CPU ms per action."""
    browser.start_tracing(page=page, categories=["disabled-by-default-devtools.timeline"])
    walls = [action() for action in actions]
    events = json.loads(browser.stop_tracing())["traceEvents"]
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e["args"].get("name") == "CrRendererMain"
    }
    cpu_us = sum(
        e.get("tdur", 0)
        for e in events
        if e.get("ph") == "X" and e.get("name") == "RunTask" and (e["pid"], e["tid"]) in main
    )
    return walls, cpu_us / 1000 / max(1, len(actions))
