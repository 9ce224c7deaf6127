"""A full workshop-room session in a real headless Chromium: 30 phones (390x844 contexts) and the console.

    .venv/bin/python benchmarks/bench_room.py                 # 30 phones, 12 rounds (several minutes)
    .venv/bin/python benchmarks/bench_room.py --phones 9 --rounds 3

Each phone takes a seat; each round every phone chooses in turn. After each choice the benchmark waits
until the choice is visible on every screen it should show on (the chooser's page, the console's seat row,
and the waiting count of every phone that chose before it; the round's last choice: the next round on
every screen), read by a MutationObserver in each page with the machine's one clock, and records the
latency from the click. Along the way: two phones reload (rejoin by address) in round 3, the console
pauses and resumes in round 5, and a branch is made at round 6. Prints the share of actions visible
within 500 ms, latency percentiles, the session's length, server exceptions (tracebacks in its log) and
the load averages before and after.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
# Every text a page shows in the places we watch, with the time (Date.now()) it last appeared.
OBSERVE = """() => {
  if (window.__observing) return; window.__observing = true; window.__seen = {}; const last = {};
  const note = () => { const now = Date.now();
    const here = new Set();
    const put = (k, v) => { const m = window.__seen[k] = window.__seen[k] || {}; here.add(k);
                            if (last[k] !== v) { m[v] = now; last[k] = v; } };
    for (const sel of ['.seat-waiting', '.seat-round', '.console-round'])
      for (const el of document.querySelectorAll(sel)) put(sel, el.innerText);
    for (const el of document.querySelectorAll('.seat-card[data-seat]')) put('seat:' + el.dataset.seat, el.innerText);
    for (const k of Object.keys(last)) if (!here.has(k)) delete last[k]; };  // gone: its return is news
  note(); new MutationObserver(note).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
FIRST_SEEN = """([key, pattern, since]) => { const m = (window.__seen || {})[key] || {}; const re = new RegExp(pattern);
  const t = Object.entries(m).filter(([v, at]) => re.test(v) && at >= since).map(([v, at]) => at);
  return t.length ? Math.min(...t) : null; }"""
CLICK = "el => { const t = Date.now(); el.click(); return t; }"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def limits_for(phones: int) -> dict[str, int]:
    households = max(0, phones - 3)
    per = [households // 3 + (k < households % 3) for k in range(3)]
    return {"retired_tenant": per[0], "working_renter": per[1], "young_family": per[2], "planner": 1, "office": 1,
            "committee": 1}


def wait_seen(pages, key: str, pattern: str, since: float, timeout: float = 60) -> float:
    """The latest of the first times every page in ``pages`` showed ``pattern`` under ``key`` (ms)."""
    deadline, times = time.monotonic() + timeout, {}
    while len(times) < len(pages):
        for k, page in enumerate(pages):
            if k not in times:
                t = page.evaluate(FIRST_SEEN, [key, pattern, since])
                if t is not None:
                    times[k] = t
        if time.monotonic() > deadline:
            raise TimeoutError(f"not every screen showed {pattern!r} under {key}")
    return max(times.values())


def run(phones: int, rounds: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-room-"))
    port, log = _port(), folder / "server.log"
    env = {**os.environ, "SIM_APP_RESULTS": str(folder / "results"), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    print(f"load averages before: {os.getloadavg()}")
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "solara", "run", "sim.app.pages", "--host", "127.0.0.1",
                                 "--port", str(port), "--production", "--no-open", "--log-level-uvicorn", "info"],
                                cwd=folder, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT)
    try:
        while "Uvicorn running on" not in log.read_text():
            if proc.poll() is not None:
                raise SystemExit(log.read_text())
            threading.Event().wait(0.2)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            session(browser, base, phones, rounds, log)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    print(f"load averages after: {os.getloadavg()}")


def session(browser, base: str, n_phones: int, rounds: int, log: Path) -> None:
    expect.set_options(timeout=120_000)
    console = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(base + "/room/new")
    for kind, n in limits_for(n_phones).items():
        field = console.locator(f".limit-{kind} input")
        field.fill(str(n))
        field.press("Enter")
    console.locator(".make-room").click()
    expect(console.locator(".room-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"))
    code = console.locator(".room-code").inner_text()
    console.evaluate(OBSERVE)
    seat_ids = console.locator(".seat-card[data-seat]").evaluate_all("rows => rows.map(r => r.dataset.seat)")
    phones: dict[str, object] = {}
    started = time.monotonic()
    for seat in seat_ids[:n_phones]:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{base}/room/join?code={code}")
        page.locator(f".seat-{seat} .take-seat").click()
        expect(page.locator(".seat-title")).to_be_visible()
        page.evaluate(OBSERVE)
        phones[seat] = page
    print(f"{len(phones)} phones seated in {time.monotonic() - started:.0f} s")
    latencies: list[float] = []
    advancing: list[bool] = []  # whether the action was its round's last choice (the round then runs)
    started = time.monotonic()
    for r in range(1, rounds + 1):
        if r == 3:  # two phones reload: they rejoin their seats by the address
            for seat in list(phones)[:2]:
                phones[seat].reload()
                expect(phones[seat].locator(".seat-title")).to_be_visible()
                phones[seat].evaluate(OBSERVE)
        if r == 5:
            console.locator(".pause-button").click()
            expect(console.locator(".resume-button")).to_be_visible()
            console.locator(".resume-button").click()
            expect(console.locator(".pause-button")).to_be_visible()
        if r == 6:
            console.locator(".branch-panel .submit-choice").click()
            expect(console.locator(".run-B1")).to_be_visible()
        chosen: list[object] = []
        seats = list(phones)
        for k, seat in enumerate(seats):
            page = phones[seat]
            expect(page.locator(".seat-round")).to_contain_text(f"Round {r} ")
            if page.locator(".form-household").count():
                page.locator(".act-workshop input, .act-speak_up input").first.check(force=True)
            t0 = page.locator(".submit-choice").evaluate(CLICK)
            last = k == len(seats) - 1
            if last:  # the round advances: every screen shows the next round
                t1 = max(wait_seen([*phones.values()], ".seat-round", f"^Round {r + 1} ", t0),
                         wait_seen([console], ".console-round", f"^Round {r + 1} ", t0))
            else:
                n = len(chosen) + 1
                t1 = max(wait_seen([page, *chosen], ".seat-waiting", f"^Your choice is in. {n} of ", t0),
                         wait_seen([console], f"seat:{seat}", "has chosen", t0))
            latencies.append(t1 - t0)
            advancing.append(last)
            chosen.append(page)
        print(f"round {r}: {len(seats)} choices, median {statistics.median(latencies[-len(seats):]):.0f} ms, "
              f"max {max(latencies[-len(seats):]):.0f} ms")
    within = sum(x <= 500 for x in latencies) / len(latencies)
    q = statistics.quantiles(latencies, n=20)
    text = log.read_text(errors="replace")
    print(f"\n{len(phones)} phones + console, {rounds} rounds, {len(latencies)} actions in "
          f"{time.monotonic() - started:.0f} s")
    print(f"visible on every screen within 500 ms: {100 * within:.1f}%; median {statistics.median(latencies):.0f} ms, "
          f"95th percentile {q[18]:.0f} ms, max {max(latencies):.0f} ms")
    for name, which in (("the rounds' last choices (the round runs)", True), ("the other choices", False)):
        part = [x for x, a in zip(latencies, advancing, strict=True) if a == which]
        print(f"  {name}: {len(part)}, {100 * sum(x <= 500 for x in part) / len(part):.1f}% within 500 ms, "
              f"median {statistics.median(part):.0f} ms, max {max(part):.0f} ms")
    print(f"server exceptions (tracebacks in its log): {text.count('Traceback')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    run(args.phones, args.rounds)


if __name__ == "__main__":
    main()
