"""The workshop room's screenshots in docs/app.md: a phone seat and the console, in English and 简体中文.

    .venv/bin/python docs/room_screenshots.py        # writes docs/room-{phone,console}-{en,zh}.png

Starts `sim app` on 127.0.0.1 (a free port, results in a temporary folder), makes a room with the default
seats, seats a retired tenant's phone (390 x 844) and the planner, plays two rounds (the phone goes to a
workshop; the other seats are left to the agents by Advance) and a third up to the choice, then shows both
pages in each language. The server stops with the script. Needs Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serving(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def main() -> None:
    port, folder = _free_port(), Path(tempfile.mkdtemp(prefix="room-screenshots-"))
    env = {**os.environ, "SIM_APP_RESULTS": str(folder / "results"), "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=HERE.parent, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page()
            expect.set_options(timeout=120_000)
            while not _serving(port):  # the server's port opens when it is ready
                if server.poll() is not None:
                    raise SystemExit("sim app did not start")
                page.wait_for_timeout(200)
            shoot(browser, f"http://127.0.0.1:{port}")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def shoot(browser, base: str) -> None:  # noqa: ANN001 - Playwright's Browser
    console = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    console.goto(base + "/room/new")
    console.locator(".make-room").click()
    expect(console.locator(".room-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"))
    code = console.locator(".room-code").inner_text()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2).new_page()
    phone.goto(f"{base}/room/join?code={code}")
    phone.locator(".seat-retired_tenant-1 .take-seat").click()
    expect(phone.locator(".seat-title")).to_be_visible()
    for round_no in (1, 2):
        expect(phone.locator(".seat-round")).to_contain_text(f"Round {round_no} ")
        phone.locator(".act-workshop input").first.check(force=True)
        phone.locator(".submit-choice").click()  # the only person here: the round advances
        expect(phone.locator(".seat-round")).to_contain_text(f"Round {round_no + 1} ")
    expect(console.locator(".console-round")).to_contain_text("Round 3 ")
    for lang, label in (("en", "English"), ("zh", "简体中文")):
        for page, name in ((phone, "phone"), (console, "console")):
            page.locator(".language-switch button", has_text=label).click()
            expect(page.locator(".language-switch .v-btn--active")).to_have_text(re.compile(label))
            page.locator(".seat-title, .console-round").first.wait_for()
            page.screenshot(path=str(HERE / f"room-{name}-{lang}.png"), full_page=name == "phone")
            print(f"wrote docs/room-{name}-{lang}.png")


if __name__ == "__main__":
    main()
