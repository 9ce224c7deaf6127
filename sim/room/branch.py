"""Branches: the session replayed to a round, then one seat choosing otherwise ("what if the office had
approved the kitchen?"); every later round with the session's own choices, so the branch keeps pace with
the session and the two can be shown side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.room.engine import RoomConfig, RoomRun, RoundChoices, replay


@dataclass
class Branch:
    name: str
    from_round: int  # rounds replayed as played; the next one differs
    seat: str
    choice: dict[str, Any] | None  # None: the agents play the seat in that round
    run: RoomRun = field(repr=False)

    def choices_for(self, round_no: int, played: RoundChoices) -> dict[str, dict[str, Any]]:
        """Round ``round_no``'s choices in this branch (``played``: the session's own)."""
        choices = {sid: dict(c) for sid, c in played.items()}
        if round_no == self.from_round + 1:
            choices.pop(self.seat, None)
            if self.choice is not None:
                choices[self.seat] = dict(self.choice)
        return choices

    def catch_up(self, history: Sequence[RoundChoices]) -> None:
        """Play the rounds the session has played and this branch has not."""
        while self.run.round < len(history):
            r = self.run.round + 1
            self.run.play_round(self.choices_for(r, history[r - 1]))


def branch_point(config: RoomConfig, history: Sequence[RoundChoices], from_round: int) -> RoomRun:
    """The session replayed to the end of round ``from_round``: where a branch starts."""
    return replay(config, history[:from_round])
