"""Decision points: every choice a person in a workshop room can make, as one seam in the model.

Each decision point is decided by the model's own rule (its agents) unless a person has decided it:

- a household's take-up of an opportunity (``HOUSEHOLD_CHOICES``: go to the planner's workshops, speak up
  with a complaint, propose an initiative, answer a survey, attend a public meeting or the platform,
  volunteer): forced yes or no per household, or -1, "the model decides" (the logistic choice of
  submodel 1 with its own random number);
- the planner's hours across outreach, workshops, design and coordination, and whom it visits first;
- the street office's approval of a finished design (approve when the budget allows, or hold);
- the committee's notices, survey and public meeting (its parameters for the round).

Households' and the office's choices are arrays read by the mechanisms; the others change the
neighbourhood's parameters (``LilongModel.change_params``). A forced choice replaces only the outcome
of the model's rule: every random number is still drawn, so the other households' choices and every other
stream are what they would have been, and with nothing forced a run is exactly the run without people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HOUSEHOLD_CHOICES = ("workshop", "complain", "initiative", "survey", "public_meeting", "platform", "volunteer")
MODEL_DECIDES = -1


@dataclass
class Decisions:
    """What people have decided this round (``MODEL_DECIDES`` everywhere else)."""

    n_households: int
    n_sites: int
    household: dict[str, np.ndarray] = field(default_factory=dict)  # choice -> (households,) int8: -1, 0, 1
    approve: np.ndarray | None = None  # (sites,) int8: -1 the office's rule, 0 hold, 1 approve when funds allow
    visit_first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # households, in order

    def __post_init__(self) -> None:
        for choice in HOUSEHOLD_CHOICES:
            self.household.setdefault(choice, np.full(self.n_households, MODEL_DECIDES, dtype=np.int8))
        if self.approve is None:
            self.approve = np.full(self.n_sites, MODEL_DECIDES, dtype=np.int8)

    @property
    def any(self) -> bool:
        return (bool(len(self.visit_first)) or bool((self.approve != MODEL_DECIDES).any())
                or any(bool((v != MODEL_DECIDES).any()) for v in self.household.values()))

    def clear(self) -> None:
        for v in self.household.values():
            v[:] = MODEL_DECIDES
        self.approve[:] = MODEL_DECIDES
        self.visit_first = np.zeros(0, dtype=np.int64)

    def force(self, choice: str, households: np.ndarray, value: int) -> None:
        """Households ``households`` (indices) decide ``choice``: 1 yes, 0 no, MODEL_DECIDES (-1) the model."""
        if choice not in self.household:
            raise ValueError(f"unknown choice {choice!r}; allowed: {', '.join(HOUSEHOLD_CHOICES)}")
        self.household[choice][households] = value

    def forced(self, choice: str) -> bool:
        """Whether any household's ``choice`` is a person's."""
        return bool((self.household[choice] != MODEL_DECIDES).any())

    def take_up(self, choice: str, who: np.ndarray | None, by_model: np.ndarray) -> np.ndarray:
        """For households ``who`` (indices; None: every household): the model's outcome ``by_model`` (bool)
        where nobody decided, else the person's."""
        if not self.forced(choice):
            return by_model
        forced = self.household[choice] if who is None else self.household[choice][who]
        return np.where(forced == MODEL_DECIDES, by_model, forced == 1)

    def wants(self, choice: str) -> np.ndarray:
        """Households whose person chose yes (they take a seat before the model's choosers)."""
        return self.household[choice] == 1
