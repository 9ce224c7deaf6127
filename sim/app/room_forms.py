"""The forms a seat chooses with (a household's actions, the office's approvals, the planner's hours and
visits, the committee's notices, survey and meeting): used on the phone and for a branch in the console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara

from sim.app.components import language
from sim.app.room_i18n import rt
from sim.room.choices import HOURS
from sim.room.seats import COMMITTEE, HOUSEHOLD, OFFICE, PLANNER, Seat


@solara.component
def Tick(label: str, value: bool, on_value: Callable[[bool], None], classes: list[str] | None = None) -> None:
    """A checkbox inside a div carrying ``classes`` (solara.Checkbox takes no classes)."""
    with solara.Div(classes=classes or []):
        solara.Checkbox(label=label, value=value, on_value=on_value)


def default_choice(seat: Seat, options: dict[str, Any], params: Any) -> dict[str, Any]:
    """What a form shows before the person changes anything."""
    if seat.role == HOUSEHOLD:
        return {"actions": ["stay_home"]}
    if seat.role == OFFICE:
        return {"approve": [], "hold": []}
    if seat.role == PLANNER:
        return {**{k: round(100 * getattr(params.planner, f"share_{k}")) for k in HOURS}, "visit": "model"}
    return {"notices": "usual", "survey": bool(params.committee.survey_interval_weeks),
            "meeting": bool(params.committee.public_meeting)}


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
                    set_choice({"actions": new or ["stay_home"]})
                Tick(label=rt(f"act_{act}", lang), value=act in acts, on_value=toggle,
                                classes=[f"act-{act}"])
        elif seat.role == OFFICE:
            if not options["sites"]:
                solara.Text(rt("no_designs", lang), classes=["no-designs"])
            for site in options["sites"]:
                now = "approve" if site in choice["approve"] else "hold" if site in choice["hold"] else "rule"

                def pick(v: str, site: int = site) -> None:
                    approve = [s for s in choice["approve"] if s != site] + ([site] if v == "approve" else [])
                    hold = [s for s in choice["hold"] if s != site] + ([site] if v == "hold" else [])
                    set_choice({"approve": approve, "hold": hold})
                with solara.Row(classes=["design-row", f"design-{site}"]):
                    solara.Text(design_lines.get(site, str(site)))
                    solara.ToggleButtonsSingle(value=now, on_value=pick, dense=True, children=[
                        solara.Button(rt("office_rule", lang), value="rule", text=True),
                        solara.Button(rt("approve", lang), value="approve", text=True, classes=["approve"]),
                        solara.Button(rt("hold", lang), value="hold", text=True, classes=["hold"])])
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
        solara.Button(label or rt("choose", lang), on_click=lambda: on_submit(dict(choice)), color="primary",
                      disabled=disabled, classes=["submit-choice"])
