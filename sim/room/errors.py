"""The one error a room raises for a person's bad input: a message key the pages show translated."""

from __future__ import annotations


class RoomError(ValueError):
    """Refused: ``key`` names the plain message (``sim.app.room_i18n``), ``values`` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
