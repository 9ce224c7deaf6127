"""Browser app timings in a real headless Chromium (Debian's), server and browser on 127.0.0.1.

    .venv/bin/python benchmarks/bench_app.py            # about 3 minutes
    .venv/bin/python benchmarks/bench_app.py --quick    # Play for 15 s instead of 60 s

Measures (docs/performance.md, "Browser app"): first render of both pages; Step -> everything
updated (the week counter, every map and every chart); Play at 4 and 20 weeks/s (achieved
rate, frames shown, largest jump); the server's memory per workshop session; ten workshop
sessions stepping at once. Prints the machine's load averages before and after: the figures
mean little without them.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OBSERVE = """() => {
  window.__changes = 0; window.__jump = 0;
  if (window.__observing) return;
  window.__observing = true;
  const read = () => { const m = (document.querySelector('.week-counter') || {innerText: ''}).innerText.match(/\\d+/);
                       return m ? parseInt(m[0]) : null; };
  let last = read();
  new MutationObserver(() => { const now = read(); if (now !== null && now !== last) { window.__changes += 1;
    window.__jump = Math.max(window.__jump, now - last); last = now; } })
    .observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
# Everything shows week n: the counter, every map, and every chart's week axis.
UPDATED = """n => {
  const c = document.querySelector('.week-counter');
  if (!c || parseInt(c.innerText.match(/\\d+/)[0]) !== n) return false;
  const maps = [...document.querySelectorAll('svg.lilong-map')];
  if (!maps.length || maps.some(m => m.dataset.week !== String(n))) return false;
  const charts = [...document.querySelectorAll('figure.chart > svg')].filter(s => s.querySelector('polyline'));
  return charts.length > 0 && charts.every(s => { const t = [...s.querySelectorAll('text')];
    return t.some(x => x.textContent === String(n)); });
}"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its descendants."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def start_server(folder: str) -> tuple[subprocess.Popen, str]:
    port = _port()
    env = {**os.environ, "SIM_APP_RESULTS": folder, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    server = subprocess.Popen([sys.executable, "-m", "solara", "run", "sim.app.pages", "--host", "127.0.0.1",
                               "--port", str(port), "--production", "--no-open", "--log-level-uvicorn", "info"],
                              cwd=folder, env=env, start_new_session=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()

    def watch() -> None:
        with open(Path(folder) / "server.log", "w") as log:
            for line in server.stdout:
                log.write(line)
                if "Uvicorn running on" in line:
                    ready.set()
        ready.set()

    threading.Thread(target=watch, daemon=True).start()
    if not ready.wait(120) or server.poll() is not None:
        raise SystemExit("the server did not start: see server.log")
    return server, f"http://127.0.0.1:{port}"


def open_page(browser, url: str, width: int = 1366, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.goto(url)
    page.locator("svg.lilong-map").last.wait_for(timeout=60_000)
    return ctx, page


def week(page) -> int:
    return int("".join(c for c in page.locator(".week-counter").inner_text() if c.isdigit()))


def first_render(browser, url: str, runs: int = 3) -> list[float]:
    """Seconds from navigation to the maps and every chart drawn."""
    times = []
    for _ in range(runs):
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        page = ctx.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function("() => document.querySelectorAll('svg.lilong-map rect').length > 100 && "
                               "document.querySelectorAll('figure.chart').length >= 6", timeout=60_000)
        times.append(time.perf_counter() - start)
        ctx.close()
    return times


def step_latency(page, n: int = 10) -> list[float]:
    """Seconds from clicking Step to everything on the page showing the new week."""
    for _ in range(5 - week(page)):  # past week 4, every chart's week axis moves with each step
        page.locator(".step-button").click()
    page.wait_for_function(UPDATED, arg=5, timeout=30_000)
    times = []
    for _ in range(n):
        target = week(page) + 1
        start = time.perf_counter()
        page.locator(".step-button").click()
        page.wait_for_function(UPDATED, arg=target, timeout=30_000, polling="raf")
        times.append(time.perf_counter() - start)
    return times


def play(page, rate: int, seconds: float) -> tuple[float, int, int]:
    """Play for ``seconds``: achieved weeks/s, counter changes seen, largest jump."""
    page.evaluate(OBSERVE)
    page.locator(f".speed-{rate}").click()
    start_week, start = week(page), time.perf_counter()
    page.locator(".play-button").click()
    page.wait_for_function("end => performance.now() > end", arg=page.evaluate("performance.now()") + seconds * 1000,
                           timeout=(seconds + 30) * 1000, polling=500)
    page.locator(".play-button").click()
    elapsed = time.perf_counter() - start
    page.locator(".play-button", has_text="Play").wait_for()
    return (week(page) - start_week) / elapsed, page.evaluate("window.__changes"), page.evaluate("window.__jump")


def concurrent_sessions(browser, url: str, sessions: int = 10, steps: int = 10) -> tuple[list[float], int]:
    """``sessions`` workshop pages step together ``steps`` times: seconds per round, page errors."""
    errors: list[str] = []
    pages = []
    for _ in range(sessions):
        ctx, page = open_page(browser, url + "/workshop")
        page.on("pageerror", lambda e: errors.append(str(e)))
        pages.append(page)
    rounds = []
    for k in range(1, steps + 1):
        start = time.perf_counter()
        for page in pages:
            page.locator(".step-button").click()
        for page in pages:
            page.locator(".week-counter", has_text=f"Week {k}").wait_for(timeout=60_000)
        rounds.append(time.perf_counter() - start)
    return rounds, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="Play for 15 s instead of 60 s")
    args = parser.parse_args()
    play_seconds = 15 if args.quick else 60
    load_before = _load()
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_server(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                renders = {path: first_render(browser, url + path) for path in ("/", "/workshop")}
                steps = {}
                for path in ("/", "/workshop"):
                    ctx, page = open_page(browser, url + path)
                    steps[path] = step_latency(page)
                    ctx.close()
                ctx, page = open_page(browser, url + "/workshop")
                plays = {rate: play(page, rate, play_seconds if rate == 4 else 15) for rate in (4, 20)}
                ctx.close()
                idle = _rss_mib(server.pid)
                rounds, errors = concurrent_sessions(browser, url)
                loaded = _rss_mib(server.pid)
                browser.close()
        finally:
            os.killpg(server.pid, signal.SIGTERM)
    load_after = _load()

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.0f} ms; {max(xs) * 1000:.0f} ms"

    print(f"load average (1, 5, 15 min) before: {load_before}; after: {load_after}; cores: {os.cpu_count()}")
    print("| measure | value | target |\n|---|---|---|")
    for path, label in (("/", "explorer"), ("/workshop", "workshop")):
        print(f"| first render, {label} (median of 3; max) | {statistics.median(renders[path]):.2f} s; "
              f"{max(renders[path]):.2f} s | < 2 s |")
    print(f"| Step -> counter, map and every chart updated, explorer (median of 10; max) | {ms(steps['/'])} "
          "| < 200 ms |")
    print(f"| Step -> counter, both maps and every chart updated, workshop (median of 10; max) | "
          f"{ms(steps['/workshop'])} | < 300 ms |")
    for rate, (achieved, changes, jump) in plays.items():
        seconds = play_seconds if rate == 4 else 15
        print(f"| Play at {rate} weeks/s for {seconds} s, workshop: achieved; screen updates; largest jump | "
              f"{achieved:.2f} weeks/s; {changes / seconds:.1f} per s; {jump} weeks | {rate} weeks/s |")
    print(f"| ten workshop sessions stepping at once, 10 rounds: time for all ten to show the new week "
          f"(median; max); page errors | {ms(rounds)}; {errors} | none |")
    print(f"| server memory: before the ten sessions {idle:.0f} MiB, with them {loaded:.0f} MiB | "
          f"{(loaded - idle) / 10:.1f} MiB per session | reported |")


if __name__ == "__main__":
    main()
