"""A session as files a researcher reads with pandas, in one folder written atomically.

``choices`` (one row per seat per round that a person chose in), ``session_log`` (every event of the
room: joins, choices, advances, pauses, branches), ``weekly`` (every metric each week, for the session and
each branch: column ``run``) and ``model_events`` (the model's own events: proposals, designs, approvals,
works), each as CSV and Parquet, and ``manifest.json`` (the room's config, checksums). The folder is
written under a temporary name and renamed into place (``sim.integrity.ResultFolder``), so a reader
never sees half a session.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from sim.integrity import ResultFolder
from sim.room.room import Room

TABLES = ("choices", "session_log", "weekly", "model_events")


def session_tables(room: Room) -> dict[str, pd.DataFrame]:
    """The session's tables (taken under the room's lock: one consistent moment)."""
    with room.lock:
        seats = {s.id: s for s in room.seats}
        choices = [{"round": e["round"], "seat": e["seat"], "kind": seats[e["seat"]].kind,
                    "household": seats[e["seat"]].household, "choice": json.dumps(e["choice"], sort_keys=True)}
                   for e in room.log if e["event"] == "chose"]
        log = [{**{k: v for k, v in e.items() if k not in ("choice", "config", "seats")},
                "data": json.dumps({k: e[k] for k in ("choice", "config", "seats") if k in e}, sort_keys=True)}
               for e in room.log]
        runs = [("session", room.run)] + [(b.name, b.run) for b in room.branches]
        weekly = pd.concat([r.model.dataframe().assign(run=name) for name, r in runs], ignore_index=True)
        model_events = pd.DataFrame([{**e, "run": name} for name, r in runs for e in r.model.events_of(0)])
    return {"choices": pd.DataFrame(choices, columns=["round", "seat", "kind", "household", "choice"]),
            "session_log": pd.DataFrame(log), "weekly": weekly, "model_events": model_events}


def export_session(room: Room, parent: Path) -> Path:
    """Write the session to a new folder under ``parent``; its path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"room-{room.code}-round{room.run.round}-{stamp}"
    final = Path(parent) / name
    n = 2
    while final.exists():
        final, n = Path(parent) / f"{name}-{n}", n + 1
    tables = session_tables(room)
    with ResultFolder(final) as out:
        for table, frame in tables.items():
            frame.to_csv(out.path / f"{table}.csv", index=False)
            frame.to_parquet(out.path / f"{table}.parquet", index=False)
        return out.commit({"kind": "room_session", "room": room.code, "config": room.config.to_dict(),
                           "rounds": room.run.round, "branches": [
                               {"name": b.name, "from_round": b.from_round, "seat": b.seat, "choice": b.choice}
                               for b in room.branches]})
