"""The rooms of one server: made by a facilitator, found by their code, kept apart.

A room is reached only through its code (people) or its code and facilitator key (the console); a
token opens only the seat it was given for, in its own room. One timer thread advances rooms whose
round ran out.
"""

from __future__ import annotations

import secrets
import threading
import time
import traceback
from collections.abc import Callable

from sim.room.engine import RoomConfig
from sim.room.errors import RoomError
from sim.room.room import Room

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 5
MAX_ROOMS = 20
TICK_SECONDS = 0.25


def normalise_code(code: object) -> str:
    return "".join(str(code).split()).upper() if isinstance(code, str) else ""


class Rooms:
    """Every room of this server, by code."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None

    def create(self, config: RoomConfig) -> Room:
        """A new room (ValueError naming what is wrong with ``config``)."""
        with self._lock:
            if len(self._rooms) >= MAX_ROOMS:
                raise RoomError("too_many_rooms", most=MAX_ROOMS)
            while True:
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if code not in self._rooms:
                    break
        room = Room(code, config, self.clock)  # built outside the lock: a slow first model blocks nobody
        with self._lock:
            self._rooms[code] = room
        return room

    def get(self, code: object) -> Room:
        """The room with ``code`` (RoomError "no_such_room")."""
        room = self._rooms.get(normalise_code(code))
        if room is None:
            raise RoomError("no_such_room")
        return room

    def console(self, code: object, key: object) -> Room:
        """The room, for its facilitator only."""
        room = self.get(code)
        room.check_facilitator(key)
        return room

    def seat(self, code: object, token: object) -> tuple[Room, str]:
        """The room and seat id that ``token`` holds in room ``code``."""
        room = self.get(code)
        return room, room.seat_of(token).id

    def close(self, code: str, key: object) -> None:
        room = self.console(code, key)
        with self._lock:
            self._rooms.pop(room.code, None)

    def start_timer(self) -> None:
        """The thread that advances rooms whose round timer ran out (once per server)."""
        with self._lock:
            if self._ticker is None:
                self._ticker = threading.Thread(target=self._tick_forever, daemon=True, name="room-timer")
                self._ticker.start()

    def _tick_forever(self) -> None:
        while True:
            for room in list(self._rooms.values()):
                try:
                    room.tick()
                except Exception:  # a room's failure must not stop the others' timers
                    traceback.print_exc()
            time.sleep(TICK_SECONDS)


ROOMS = Rooms()  # the server's rooms (the pages use this one; tests make their own)
