"""Solara components rendered without a browser (solara.render): stepping, language, sessions."""

from __future__ import annotations

import ipyvuetify as v
import solara

from sim.app.components import language
from sim.app.i18n import t
from sim.app.workshop import Workshop


def _button(rc, cls: str) -> v.Btn:
    return rc.find(v.Btn, class_=cls).widget


def test_workshop_steps_both_sides_and_switches_language():
    language.set("en")
    box, rc = solara.render(Workshop(), handle_error=False)
    rc.find(v.Html, children=[t("week_n", "en", week=0)]).assert_single()
    _button(rc, "step-button").click()
    rc.find(v.Html, children=[t("week_n", "en", week=1)]).wait_for(timeout=5)
    language.set("zh")
    rc.find(v.Html, children=[t("week_n", "zh", week=1)]).wait_for(timeout=5)
    _button(rc, "reset-button").click()
    rc.find(v.Html, children=[t("week_n", "zh", week=0)]).wait_for(timeout=5)
    language.set("en")
    rc.close()
