"""The forms a seat chooses with (a household's actions, the office's approvals, the planner's hours and
visits, the committee's notices, survey and meeting): used on the phone and for a branch in the console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from solara.util import IPYVUETIFY_V3

from sim.app.components import language
from sim.app.room_i18n import rt
from sim.room.choices import HOURS, scenario_choice, vote_changes
from sim.room.seats import COMMITTEE, HOUSEHOLD, OFFICE, PLANNER, Seat


def Tick(label: str, value: bool, on_value: Callable[[bool], None], classes: list[str] | None = None) -> None:
    """A checkbox carrying ``classes``: solara.Checkbox's own widget, which takes no classes there, without the
    div around it that carried them (one widget fewer to make for every action on every phone each round)."""
    solara.v.Checkbox(label=label, v_model=value, on_v_model=on_value, class_=" ".join(classes or []),
                      children=[] if IPYVUETIFY_V3 else [label])


def default_choice(seat: Seat, options: dict[str, Any], params: Any) -> dict[str, Any]:
    """What a form shows before the person changes anything (a household: its votes that stand)."""
    if seat.role == HOUSEHOLD:
        standing = options.get("standing", {})
        return {"actions": ["stay_home"], "vote_for": sorted(s for s, v in standing.items() if v == 1),
                "vote_against": sorted(s for s, v in standing.items() if v == -1)}
    if seat.role == OFFICE:
        return {"approve": [], "hold": []}
    return scenario_choice(seat, params)


def submitted(seat: Seat, options: dict[str, Any], choice: dict[str, Any]) -> dict[str, Any]:
    """The choice a form sends for what it shows: a household's votes as the changes to those that stand (a vote
    left as shown stands; "no vote" on a standing one withdraws it)."""
    if seat.role != HOUSEHOLD:
        return dict(choice)
    return {**choice, **vote_changes(choice, options.get("standing", {}))}


@solara.component
def SitePicks(sites: list[int], lines: dict[int, str], choice: dict[str, Any], keys: tuple[str, str],
              labels: tuple[str, str, str], on_choice: Callable[[dict[str, Any]], None], row_class: str) -> None:
    """One row per site: leave it (labels[0]), or put it in ``choice[keys[0]]`` or ``choice[keys[1]]``."""
    for site in sites:
        now = keys[0] if site in choice[keys[0]] else keys[1] if site in choice[keys[1]] else "none"

        def pick(v: str, site: int = site) -> None:
            on_choice({**choice, **{k: [s for s in choice[k] if s != site] + ([site] if v == k else [])
                                    for k in keys}})
        with solara.Row(classes=["design-row", f"{row_class}-{site}"]):
            solara.Text(lines.get(site, str(site)))
            solara.ToggleButtonsSingle(value=now, on_value=pick, dense=True, children=[
                solara.Button(labels[0], value="none", text=True, classes=[f"{row_class}-none"]),
                solara.Button(labels[1], value=keys[0], text=True, classes=[keys[0].replace("_", "-")]),
                solara.Button(labels[2], value=keys[1], text=True, classes=[keys[1].replace("_", "-")])])


@solara.component
def ChoiceForm(seat: Seat, options: dict[str, Any], initial: dict[str, Any], design_lines: dict[int, str],
               on_submit: Callable[[dict[str, Any]], None], label: str = "", disabled: bool = False) -> None:
    """The seat's options; ``on_submit`` gets the choice in the form ``sim.room.choices`` checks."""
    lang = language.value
    choice, set_choice = solara.use_state(initial)
    with solara.Column(gap="6px", classes=["choice-form", f"form-{seat.role}"]):
        if seat.role == HOUSEHOLD:
            acts = choice["actions"]
            for act in options["actions"]:
                def toggle(on: bool, act: str = act) -> None:
                    now = [a for a in acts if a != "stay_home" and a != act] if act != "stay_home" else []
                    new = ([*now, act] if on else now) if act != "stay_home" else (["stay_home"] if on else [])
                    set_choice({**choice, "actions": new or ["stay_home"]})
                Tick(label=rt(f"act_{act}", lang), value=act in acts, on_value=toggle,
                                classes=[f"act-{act}"])
            if options.get("votes"):
                with solara.Column(gap="2px", classes=["votes"]):
                    solara.Text(rt("votes_heading", lang), style="font-weight:bold")
                    solara.Text(rt("votes_note", lang), style="font-size:0.85em;color:#555")
                    SitePicks(options["votes"], design_lines, choice, ("vote_for", "vote_against"),
                              (rt("vote_none", lang), rt("vote_for", lang), rt("vote_against", lang)), set_choice,
                              "vote")
        elif seat.role == OFFICE:
            if not options["sites"]:
                solara.Text(rt("no_designs", lang), classes=["no-designs"])
            SitePicks(options["sites"], design_lines, choice, ("approve", "hold"),
                      (rt("office_rule", lang), rt("approve", lang), rt("hold", lang)), set_choice, "design")
        elif seat.role == PLANNER:
            for k in HOURS:
                solara.InputInt(rt(f"hours_{k}", lang), value=int(choice[k]), classes=[f"hours-{k}"],
                                on_value=lambda v, k=k: set_choice({**choice, k: int(v or 0)}))
            solara.Text(rt("hours_total", lang, total=sum(int(choice[k]) for k in HOURS)), classes=["hours-total"])
            labels = {v: rt("visit_model", lang) if v == "model" else rt("visit_room", lang) if v == "room"
                      else rt("visit_alley", lang, alley=v.split(":")[1]) for v in options["visit"]}
            solara.v.Select(label=rt("visit", lang), v_model=choice["visit"], class_="visit-choice",
                            items=[{"text": t, "value": v} for v, t in labels.items()],
                            on_v_model=lambda v: set_choice({**choice, "visit": v}))
        elif seat.role == COMMITTEE:
            solara.Text(rt("notices", lang))
            solara.ToggleButtonsSingle(value=choice["notices"], classes=["notices"],
                                       on_value=lambda v: set_choice({**choice, "notices": v}),
                                       children=[solara.Button(rt(f"notices_{v}", lang), value=v, text=True)
                                                 for v in options["notices"]])
            Tick(label=rt("survey_round", lang), value=choice["survey"], classes=["survey"],
                            on_value=lambda v: set_choice({**choice, "survey": bool(v)}))
            Tick(label=rt("meeting_round", lang), value=choice["meeting"], classes=["meeting"],
                            on_value=lambda v: set_choice({**choice, "meeting": bool(v)}))
            solara.Text(rt("rules", lang))
            solara.ToggleButtonsSingle(value=choice.get("rules", "usual"), classes=["rules"],
                                       on_value=lambda v: set_choice({**choice, "rules": v}),
                                       children=[solara.Button(rt(f"rules_{v}", lang), value=v, text=True,
                                                               classes=[f"rules-{v}"]) for v in options["rules"]])
            solara.Text(rt("rules_note", lang), style="font-size:0.85em;color:#555")
        solara.Button(label or rt("choose", lang), on_click=lambda: on_submit(submitted(seat, options, choice)),
                      color="primary", disabled=disabled, classes=["submit-choice"])
