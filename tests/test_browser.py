"""End to end in headless Chromium: `sim app` on 127.0.0.1, driven with Playwright.

Uses Debian's /usr/bin/chromium (installed by .ci/run; Playwright downloads no browser).
Fails on any page error and on any request that leaves this machine (the app must work
offline). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`sim app` in a scratch folder; stops with the tests (and by itself after 15 minutes)."""
    folder = tmp_path_factory.mktemp("app")
    port = _free_port()
    proc = subprocess.Popen(["timeout", "900", sys.executable, "-m", "sim", "app", "--port", str(port)],
                            cwd=folder, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("sim app did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url, folder
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


class Watch:
    """Collects page errors and requests to other hosts."""

    def __init__(self, page, base: str) -> None:
        self.errors: list[str] = []
        self.outside: list[str] = []
        host = urlparse(base).hostname
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: urlparse(r.url).hostname not in (host, None)
                and not r.url.startswith("data:") and self.outside.append(r.url))

    def check(self) -> None:
        assert not self.errors, f"page errors: {self.errors}"
        assert not self.outside, f"requests leaving the machine: {self.outside[:5]}"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _week(page, text: str, timeout: float = 15_000) -> None:
    page.locator(".week-counter").first.filter(has_text=text).wait_for(timeout=timeout)


def test_explorer_step_play_control_reset_language_and_inspect(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    watch = Watch(page, url)
    page.goto(url + "/")
    page.locator("svg.lilong-map").wait_for(timeout=30_000)
    _week(page, "Week 0")
    page.get_by_role("button", name="Step").click()
    _week(page, "Week 1")
    page.get_by_role("button", name="▶").click()
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="❚❚").click()
    page.wait_for_timeout(300)
    played = int(page.locator(".week-counter").first.inner_text().split()[-1])
    assert played > 1
    page.get_by_text("Community planner in post").click()  # a control: the planner off
    page.get_by_role("button", name="Reset").click()
    _week(page, "Week 0")
    page.locator("svg.lilong-map rect[data-cell^='h']").first.click()
    page.get_by_text("Selected").first.wait_for(timeout=10_000)
    page.get_by_role("button", name="简体中文").first.click()
    _week(page, "第0周")
    page.get_by_text("点击住宅或场地查看状态").first.wait_for()
    _shot(page, "explorer-zh")
    watch.check()
    page.close()


def test_each_session_has_its_own_model(server, browser):
    url, _ = server
    a, b = browser.new_context(), browser.new_context()
    pa, pb = a.new_page(), b.new_page()
    for p in (pa, pb):
        p.goto(url + "/")
        p.locator("svg.lilong-map").wait_for(timeout=30_000)
    for _ in range(3):
        pa.get_by_role("button", name="Step").click()
    _week(pa, "Week 3")
    pb.reload()
    pb.locator("svg.lilong-map").wait_for(timeout=30_000)
    _week(pb, "Week 0")
    a.close()
    b.close()


def test_workshop_side_by_side_language_presenter_save_and_export(server, browser):
    url, folder = server
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    watch = Watch(page, url)
    page.goto(url + "/workshop")
    page.locator("svg.lilong-map").nth(1).wait_for(timeout=30_000)
    assert page.locator("svg.lilong-map").count() == 2
    for _ in range(5):
        page.locator(".step-button").click()
    _week(page, "Week 5")
    page.get_by_text("difference").first.wait_for()
    page.locator(".play-button").click()
    page.wait_for_timeout(1500)
    page.locator(".play-button").click()
    page.get_by_role("button", name="简体中文").first.click()
    page.get_by_text("差值").first.wait_for()
    page.locator(".export-button").click()
    page.locator(".workshop-message").filter(has_text="已保存至").wait_for(timeout=15_000)
    reports = list((folder / "results" / "workshop").glob("report-*.html"))
    assert reports and "情景对比报告" in reports[0].read_text(encoding="utf-8")
    page.locator(".save-button").click()
    page.wait_for_timeout(500)
    saved = list((folder / "results" / "workshop").glob("workshop-*.toml"))
    assert saved
    from sim.params import load_scenario
    assert load_scenario(saved[0]).planner.enabled
    _shot(page, "workshop-zh")
    page.get_by_text("演示视图").click()
    page.locator(".workshop-controls").wait_for(state="detached", timeout=10_000)
    _shot(page, "workshop-presenter")
    watch.check()
    page.close()
