"""Entry point for ``solara run sim.app.pages`` (what ``sim app`` starts): the two pages in one frame."""

from __future__ import annotations

import warnings

import solara

from sim.app.components import Shell
from sim.app.explorer import Explorer
from sim.app.room_pages import RoomConsole, RoomDebrief, RoomJoin, RoomNew, RoomSeat
from sim.app.street_page import StreetPage
from sim.app.workshop import Workshop

# Solara warns (11 lines, every page load) that plain http off localhost cannot use samesite=none
# cookies and falls back to samesite=lax. That fallback is what a room's LAN needs; the app is
# not embedded in an iframe, so the warning says nothing to act on.
warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning)

routes = [
    solara.Route(path="/", component=Explorer, label="Explorer · 探索", layout=Shell),
    solara.Route(path="workshop", component=Workshop, label="Workshop · 工作坊"),
    solara.Route(path="street", component=StreetPage, label="Street · 街道"),
    # The workshop room (sim/app/room_pages.py): make a room, join from a phone, a seat, the console, the debrief.
    solara.Route(path="room", label="Room · 房间", children=[
        solara.Route(path="new", component=RoomNew), solara.Route(path="join", component=RoomJoin),
        solara.Route(path="seat", component=RoomSeat), solara.Route(path="console", component=RoomConsole),
        solara.Route(path="debrief", component=RoomDebrief)]),
]
