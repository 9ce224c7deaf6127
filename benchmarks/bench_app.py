"""Browser app timings in a real headless Chromium (Debian's), on 127.0.0.1.

    .venv/bin/python benchmarks/bench_app.py

First render of the explorer and the workshop, Step -> updated map and charts, five concurrent
workshop sessions (errors counted), and the server's memory per session.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(c) for c in text]
    return out


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its descendants."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
        stack += _children(p)
    return total


def _week(page) -> str:
    return page.locator(".week-counter").first.inner_text()


def step_latency(page, button) -> float:  # noqa: ANN001
    """Seconds from clicking Step to the new week and a redrawn chart on screen."""
    before = _week(page)
    points = page.locator("svg polyline").first.get_attribute("points")
    start = time.perf_counter()
    button.click()
    page.wait_for_function(
        "([w, p]) => document.querySelector('.week-counter').innerText !== w && "
        "document.querySelector('svg polyline').getAttribute('points') !== p", arg=[before, points], timeout=10_000)
    return time.perf_counter() - start


def main() -> None:
    port = _port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=folder,
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(url, timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                renders = {}
                for path in ("/", "/workshop"):
                    times = []
                    for _ in range(3):
                        ctx = browser.new_context()
                        page = ctx.new_page()
                        start = time.perf_counter()
                        page.goto(url + path)
                        page.locator("svg.lilong-map").last.wait_for(timeout=60_000)
                        page.locator("svg polyline").first.wait_for(state="attached", timeout=60_000)
                        times.append(time.perf_counter() - start)
                        ctx.close()
                    renders[path] = statistics.median(times)

                ctx = browser.new_context()
                page = ctx.new_page()
                page.goto(url + "/")
                page.locator("svg.lilong-map").wait_for(timeout=60_000)
                explorer_steps = [step_latency(page, page.get_by_role("button", name="Step")) for _ in range(10)]
                page.goto(url + "/workshop")
                page.locator("svg.lilong-map").last.wait_for(timeout=60_000)
                workshop_steps = [step_latency(page, page.locator(".step-button")) for _ in range(10)]
                ctx.close()

                base = _rss_mib(server.pid)
                sessions, errors = [], []
                for _ in range(5):
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    page.goto(url + "/workshop")
                    sessions.append(page)
                for page in sessions:
                    page.locator("svg.lilong-map").last.wait_for(timeout=60_000)
                for _ in range(10):  # all five step in turn
                    for page in sessions:
                        page.locator(".step-button").click()
                for page in sessions:
                    page.locator(".week-counter").first.filter(has_text="10").wait_for(timeout=60_000)
                loaded = _rss_mib(server.pid)
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
    print("| measure | value |\n|---|---|")
    print(f"| first render, explorer (median of 3) | {renders['/']:.2f} s |")
    print(f"| first render, workshop (median of 3) | {renders['/workshop']:.2f} s |")
    print(f"| Step -> map and charts, explorer (median of 10; max) | {statistics.median(explorer_steps) * 1000:.0f} ms;"
          f" {max(explorer_steps) * 1000:.0f} ms |")
    print(f"| Step -> both maps and charts, workshop (median of 10; max) | "
          f"{statistics.median(workshop_steps) * 1000:.0f} ms; {max(workshop_steps) * 1000:.0f} ms |")
    print(f"| five concurrent workshop sessions, 10 steps each: page errors | {len(errors)} |")
    print(f"| server memory: idle {base:.0f} MiB, with 5 sessions {loaded:.0f} MiB | "
          f"{(loaded - base) / 5:.0f} MiB per session |")


if __name__ == "__main__":
    main()
