"""The workshop room end to end in headless Chromium: three phones and the console play four rounds, one
phone leaves and comes back, a branch at round 2, the export; another browser cannot act in a seat or room
that is not its own; two rooms at once stay apart. Every wait is on a condition (Playwright's expect)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from test_browser import ARTIFACTS, CHROMIUM, Watch, browser, server  # noqa: F401  (the app's fixtures)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (.ci/run installs it)")]

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
PHONE = {"width": 390, "height": 844}
LONG = 60_000


@pytest.fixture
def contexts(request, server, browser):  # noqa: F811
    """Opens browser contexts; afterwards fails on page errors, requests off the machine or server tracebacks."""
    opened, log_start = [], len(server.log_text())

    def open_(path: str, viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
        page = context.new_page()
        opened.append((context, page, Watch(page, server.url)))
        page.goto(server.url + path)
        return page

    yield open_
    problems = [f"page error: {e}" for _, _, w in opened for e in w.errors]
    problems += [f"request left the machine: {u}" for _, _, w in opened for u in w.outside[:3]]
    log = server.log_text()[log_start:]
    if re.search(r"Traceback|Exception", log):
        problems.append("the server log shows an exception:\n" + log[-4000:])
    if problems or request.session.testsfailed:
        ARTIFACTS.mkdir(exist_ok=True)
        for k, (_, page, _) in enumerate(opened):
            if not page.is_closed():
                page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name}-{k}.png"), full_page=True)
    for context, _, _ in opened:
        context.close()
    assert not problems, "\n".join(problems)


def make_room(open_) -> tuple[object, str]:
    console = open_("/room/new")
    console.locator(".make-room").click(timeout=LONG)
    expect(console.locator(".room-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"), timeout=LONG)
    code = console.locator(".room-code").inner_text()
    # the room made, its code and the QR code of its join address are on the page to project
    expect(console.locator(".room-qr svg")).to_be_visible()
    assert console.locator(".room-qr").get_attribute("data-url").endswith(f"/room/join?code={code}")
    return console, code


def take_seat(page, seat: str) -> None:
    page.locator(f".seat-{seat} .take-seat").click(timeout=LONG)
    expect(page.locator(".seat-title")).to_be_visible(timeout=LONG)
    assert "token=" in page.url


def choose(page, round_no: int, action: str | None = None) -> None:
    expect(page.locator(".seat-round")).to_contain_text(f"Round {round_no} ", timeout=LONG)
    if action:
        page.locator(f".act-{action} input").check(force=True)
    page.locator(".submit-choice").click()


def pick(page, select_class: str, text: str) -> None:
    """Choose ``text`` in a Vuetify select."""
    page.locator(f".{select_class}").click()
    page.locator(".v-menu__content.menuable__content__active .v-list-item").filter(
        has_text=re.compile(f"^{re.escape(text)}$")).click()


def console_round(console, round_no: int) -> None:
    expect(console.locator(".console-round")).to_contain_text(f"Round {round_no} ", timeout=LONG)


def test_three_phones_and_the_console_play_four_rounds_with_a_rejoin_a_branch_and_an_export(contexts, server):  # noqa: F811
    console, code = make_room(contexts)
    phones = {}
    for seat in ("retired_tenant-1", "working_renter-1", "office"):
        phones[seat] = contexts(f"/room/join?code={code}", PHONE)
        take_seat(phones[seat], seat)
    seat_url = phones["working_renter-1"].url
    row = console.locator('.seat-card[data-seat="working_renter-1"]')
    expect(row).to_contain_text("connected", timeout=LONG)

    choose(phones["retired_tenant-1"], 1, "workshop")
    choose(phones["working_renter-1"], 1, "speak_up")
    choose(phones["office"], 1)
    console_round(console, 2)

    # round 2: the renter's phone goes away before choosing; the round goes on without it
    choose(phones["retired_tenant-1"], 2, "volunteer")
    choose(phones["office"], 2)
    phones["working_renter-1"].context.close()
    expect(row).to_contain_text("away", timeout=LONG)
    console_round(console, 3)  # everyone still here chose: the agents played the renter

    back = contexts(seat_url.removeprefix(server.url), PHONE)  # the same address: the same seat
    expect(back.locator(".seat-title")).to_contain_text("Working-age renter 1", timeout=LONG)
    expect(row).to_contain_text("connected", timeout=LONG)
    phones["working_renter-1"] = back
    for r in (3, 4):
        choose(phones["retired_tenant-1"], r, "meeting")
        choose(phones["working_renter-1"], r, "propose")
        choose(phones["office"], r)
        console_round(console, r + 1)

    pick(console, "branch-round", "2")
    pick(console, "branch-seat", "Retired long-term tenant with a shared kitchen 1")
    # Each choice rebuilds the form (a replay to that round): wait for the one these choices build, then use it.
    panel = console.locator(".branch-panel.branch-from-2.branch-seat-retired-tenant-1")
    expect(panel).to_be_visible(timeout=LONG)
    panel.locator(".branch-agents input").check(force=True)
    expect(panel.locator(".branch-agents input")).to_be_checked(timeout=LONG)
    panel.locator(".submit-choice").click()
    expect(console.locator(".run-B1")).to_be_visible(timeout=LONG)
    expect(console.locator(".room-compare thead")).to_contain_text("B1", timeout=LONG)

    console.locator(".export-button").click()
    expect(console.get_by_text("Written to")).to_be_visible(timeout=LONG)
    folder = Path(re.search(r"Written to (\S+)", console.get_by_text("Written to").inner_text()).group(1))
    assert folder.parent == server.results / "rooms"
    weekly = pd.read_parquet(folder / "weekly.parquet")
    assert set(weekly["run"]) == {"session", "B1"} and weekly["week"].max() == 52
    choices = pd.read_csv(folder / "choices.csv")
    assert len(choices) == 11  # 3 seats x 4 rounds, less the renter's round 2
    log = pd.read_csv(folder / "session_log.csv")
    assert {"joined", "chose", "advanced", "disconnected", "connected", "branched"} <= set(log["event"])


def test_two_rooms_stay_apart_and_nobody_acts_in_another_seat_or_room(contexts, server):  # noqa: F811
    console_a, code_a = make_room(contexts)
    console_b, code_b = make_room(contexts)
    assert code_a != code_b
    phone_a = contexts(f"/room/join?code={code_a}", PHONE)
    take_seat(phone_a, "office")
    token_a = re.search(r"token=([^&]+)", phone_a.url).group(1)

    intruder = contexts(f"/room/join?code={code_a}", PHONE)  # a second browser, in room A
    expect(intruder.locator(".seat-office .take-seat")).to_be_disabled(timeout=LONG)  # taken: no way in
    for path in (f"/room/seat?code={code_a}&token=forged", f"/room/seat?code={code_b}&token={token_a}"):
        intruder.goto(server.url + path)
        expect(intruder.get_by_text("does not hold a seat in this room")).to_be_visible(timeout=LONG)
    key_a = re.search(r"key=([^&]+)", console_a.url).group(1)
    intruder.goto(server.url + f"/room/console?code={code_b}&key={key_a}")
    expect(intruder.get_by_text("Only the room's facilitator")).to_be_visible(timeout=LONG)
    intruder.goto(server.url + "/room/join?code=ZZZZZ")
    expect(intruder.get_by_text("There is no room with that code")).to_be_visible(timeout=LONG)

    choose(phone_a, 1)  # the only person in room A chose: room A advances, room B does not
    console_round(console_a, 2)
    console_round(console_b, 1)
    expect(console_b.locator('.seat-card[data-seat="office"]')).to_contain_text("played by the agents")
    expect(console_a.locator('.seat-card[data-seat="office"]')).to_contain_text("connected")


def test_a_vote_a_committee_rule_the_consoles_cards_a_replayed_map_and_the_debrief(contexts):
    console = contexts("/room/new")
    console.locator(".room-seed input").fill("3")  # seed 3: a design near the first retired tenant in round 4
    console.locator(".make-room").click(timeout=LONG)
    expect(console.locator(".room-code")).to_have_text(re.compile(r"^[A-Z2-9]{5}$"), timeout=LONG)
    code = console.locator(".room-code").inner_text()
    tenant, committee = contexts(f"/room/join?code={code}", PHONE), contexts(f"/room/join?code={code}", PHONE)
    take_seat(tenant, "retired_tenant-1")
    take_seat(committee, "committee")
    card = console.locator('.seat-card[data-seat="retired_tenant-1"]')
    expect(card).to_contain_text("a person", timeout=LONG)
    expect(console.locator('.seat-card[data-seat="office"]')).to_contain_text("the agents")
    for r in (1, 2, 3):  # the agents play every seat: the run is the agents' own
        console_round(console, r)
        console.locator(".advance-button").click()
    console_round(console, 4)
    expect(console.locator('.round-card[data-run="session"]')).to_be_visible(timeout=LONG)

    expect(tenant.locator(".seat-round")).to_contain_text("Round 4 ", timeout=LONG)
    tenant.locator(".vote-7 .vote-against").click()
    tenant.locator(".submit-choice").click()
    expect(card).to_contain_text("has chosen", timeout=LONG)
    expect(committee.locator(".seat-round")).to_contain_text("Round 4 ", timeout=LONG)
    committee.locator(".rules-rota").click()
    committee.locator(".submit-choice").click()
    console_round(console, 5)
    expect(console.locator('.round-card[data-run="session"]')).to_contain_text("residents' votes: 0 for, 1 against",
                                                                               timeout=LONG)
    expect(committee.locator(".seat-situation")).to_contain_text("spaces in use have upkeep rules", timeout=LONG)

    # round 5: the phone's form shows the vote that stands, and "no vote" takes it back
    expect(tenant.locator(".seat-round")).to_contain_text("Round 5 ", timeout=LONG)
    expect(tenant.locator(".vote-7 .vote-against")).to_have_class(re.compile("v-btn--active"), timeout=LONG)
    tenant.locator(".vote-7 .vote-none").click()
    expect(tenant.locator(".vote-7 .vote-none")).to_have_class(re.compile("v-btn--active"), timeout=LONG)
    tenant.locator(".submit-choice").click()
    expect(card).to_contain_text("has chosen", timeout=LONG)
    console.locator(".advance-button").click()
    console_round(console, 6)

    pick(console, "replay-round", "2")
    console.locator(".replay-button").click()
    expect(console.locator(".replay-week-26 .lilong-map")).to_be_visible(timeout=LONG)

    console.locator(".debrief-link").click()
    expect(console.locator(".debrief-round[data-round='4']")).to_contain_text("2 of 2 choices differ", timeout=LONG)
    expect(console.locator(".debrief-row[data-seat='retired_tenant-1']").first).to_contain_text("voted against")
    expect(console.locator(".debrief-round[data-round='5']")).to_contain_text("1 of 1 choices differ")
    expect(console.locator(".debrief-row[data-seat='retired_tenant-1']").last).to_contain_text("took back its vote")
    expect(console.locator(".debrief-metrics-box")).to_contain_text("nobody in the room", timeout=LONG)
    expect(console.locator(".debrief-run")).to_have_count(6)  # the session and the five shipped scenarios


def test_a_phone_that_lost_its_address_gets_its_seat_back_and_another_browser_does_not(contexts):
    _, code = make_room(contexts)
    phone = contexts(f"/room/join?code={code}", PHONE)
    take_seat(phone, "young_family-1")
    again = phone.context.new_page()  # the tab was closed; a new tab in the same browser opens the join page
    again.goto(phone.url.split("/room/")[0] + "/room/join")
    again.locator(".code-input input").fill(code.lower())
    again.locator(".find-room").click()
    expect(again.locator(".seat-back")).to_contain_text("Young family 1", timeout=LONG)
    again.locator(".seat-back-button").click()
    expect(again.locator(".seat-title")).to_contain_text("Young family 1", timeout=LONG)
    assert "token=" in again.url and again.url.split("token=")[1] == phone.url.split("token=")[1]

    other = contexts(f"/room/join?code={code}", PHONE)  # another browser: its own storage, no seat to offer
    expect(other.locator(".seat-young_family-1 .take-seat")).to_be_disabled(timeout=LONG)
    expect(other.locator(".seat-memory")).to_have_attribute("data-checked", "yes", timeout=LONG)  # storage read
    expect(other.locator(".seat-memory")).to_have_attribute("data-stored", "no", timeout=LONG)
    expect(other.locator(".seat-back")).to_have_count(0)
