"""Entry point for ``solara run sim.app.pages`` (what ``sim app`` starts)."""

from __future__ import annotations

import solara

from sim.app.explorer import Explorer
from sim.app.workshop import Workshop

routes = [
    solara.Route(path="/", component=Explorer, label="Explorer · 探索"),
    solara.Route(path="workshop", component=Workshop, label="Workshop · 工作坊"),
]
