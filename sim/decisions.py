"""Decision points: every choice a person in a workshop room can make, as one seam in the model.

Each decision point is decided by the model's own rule (its agents) unless a person has decided it:

- a household's take-up of an opportunity (``HOUSEHOLD_CHOICES``: go to the planner's workshops, speak up
  with a complaint, propose an initiative, answer a survey, attend a public meeting or the platform,
  volunteer): forced yes or no per household, or -1, "the model decides" (the logistic choice of
  submodel 1 with its own random number);
- the planner's hours across outreach, workshops, design and coordination, and whom it visits first;
- the street office's approval of a finished design (approve when the budget allows, or hold);
- a household's vote for or against a design near it (in design or designed): the model's households
  do not vote (their say in a design is their voice and the planner's workshops), so the model's rule is
  "no vote". People's votes are counted per site (for minus against, ``votes``) and read by the office's
  rule (:meth:`Decisions.approval`): a design with more votes against than for is held; one with more for
  waits only ``VOTE_FOR_DELAY`` of the approval delay; a voter is consulted (an act at that rung);
- the committee's notices, survey and public meeting (its parameters for the round).

Households', the votes' and the office's choices are arrays read by the mechanisms; the others change the
neighbourhood's parameters (``LilongModel.change_params``). A forced choice replaces only the outcome
of the model's rule: every random number is still drawn, so the other households' choices and every other
stream are what they would have been, and with nothing forced a run is exactly the run without people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.population import Rung

if TYPE_CHECKING:
    from sim.model import LilongModel

HOUSEHOLD_CHOICES = ("workshop", "complain", "initiative", "survey", "public_meeting", "platform", "volunteer")
MODEL_DECIDES = -1
# A design residents voted for waits this share of the office's approval delay: the delay is in part the
# office gathering residents' consent (Shanghai's hearing / coordination / evaluation meetings, 三会制度), which
# a vote for it gives at once. Assumed; no figure measures it.
VOTE_FOR_DELAY = 0.5


@dataclass
class Decisions:
    """What people have decided this round (``MODEL_DECIDES`` everywhere else)."""

    n_households: int
    n_sites: int
    household: dict[str, np.ndarray] = field(default_factory=dict)  # choice -> (households,) int8: -1, 0, 1
    approve: np.ndarray | None = None  # (sites,) int8: -1 the office's rule, 0 hold, 1 approve when funds allow
    visit_first: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # households, in order
    votes: np.ndarray | None = None  # (sites,) int: people's votes for minus votes against each design
    voters: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # consulted this week
    watched: np.ndarray | None = None  # households whose model outcomes are recorded (None: nobody)
    seen: dict[str, np.ndarray] = field(default_factory=dict)  # choice -> (watched,) bool: the model said yes
    _own_volunteer: np.ndarray | None = None  # (watched,) bool: volunteering by the model's joins and quits alone

    def __post_init__(self) -> None:
        for choice in HOUSEHOLD_CHOICES:
            self.household.setdefault(choice, np.full(self.n_households, MODEL_DECIDES, dtype=np.int8))
        if self.approve is None:
            self.approve = np.full(self.n_sites, MODEL_DECIDES, dtype=np.int8)
        if self.votes is None:
            self.votes = np.zeros(self.n_sites, dtype=np.int64)

    @property
    def any(self) -> bool:
        return (bool(len(self.visit_first)) or bool((self.approve != MODEL_DECIDES).any())
                or bool(self.votes.any()) or bool(len(self.voters))
                or any(bool((v != MODEL_DECIDES).any()) for v in self.household.values()))

    def clear(self) -> None:
        for v in self.household.values():
            v[:] = MODEL_DECIDES
        self.approve[:] = MODEL_DECIDES
        self.votes[:] = 0
        self.visit_first = self.voters = np.zeros(0, dtype=np.int64)

    def watch(self, households: np.ndarray | None) -> None:
        """Record, for ``households`` (None: stop), what the model's rule decides for them from now on (the
        outcome of its own choice on the run's state, whatever a person then decided; where seats are limited,
        whether its own seating gives them one): :attr:`seen`."""
        self.watched = None if households is None else np.asarray(households, dtype=np.int64)
        self.seen = {}
        self._own_volunteer = None

    def _record(self, choice: str, who: np.ndarray | None, by_model: np.ndarray) -> None:
        if who is None:
            yes = by_model[self.watched]
        else:
            at = np.searchsorted(who, self.watched).clip(0, max(len(who) - 1, 0))
            yes = (who[at] == self.watched) & by_model[at] if len(who) else np.zeros(len(self.watched), bool)
        self.seen[choice] = self.seen.get(choice, np.zeros(len(self.watched), bool)) | yes

    def _seated(self, who: np.ndarray | None, by_model: np.ndarray,
                seated: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """Of households ``who`` (None: every household), those the model's rule alone seats (bool): its own
        choosers, everyone by the model (no person's choice counted), cut down to the seats."""
        everyone = np.arange(self.n_households) if who is None else who
        return np.isin(everyone, seated(everyone[by_model]))

    def approval(self, model: LilongModel, designed: np.ndarray, delay: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For finished designs ``designed`` (sites) and the office's approval ``delay`` (weeks) of each: the
        office seat's choice (``MODEL_DECIDES``, 0 hold, 1 approve) and the delay, with people's votes counted:
        more against than for holds a design the office seat left to the rule, more for cuts its delay to
        ``VOTE_FOR_DELAY`` of it. Voters of this week take part as consulted (once: the round's first week)."""
        choice = self.approve[designed]
        if len(self.voters):
            model.households.take_part(self.voters, Rung.CONSULTED, model.week)
            self.voters = np.zeros(0, dtype=np.int64)
        if not self.votes.any():
            return choice, delay
        net = self.votes[designed]
        return (np.where((choice == MODEL_DECIDES) & (net < 0), 0, choice).astype(np.int8),
                np.where(net > 0, delay * VOTE_FOR_DELAY, delay))

    def force(self, choice: str, households: np.ndarray, value: int) -> None:
        """Households ``households`` (indices) decide ``choice``: 1 yes, 0 no, MODEL_DECIDES (-1) the model."""
        if choice not in self.household:
            raise ValueError(f"unknown choice {choice!r}; allowed: {', '.join(HOUSEHOLD_CHOICES)}")
        self.household[choice][households] = value

    def forced(self, choice: str) -> bool:
        """Whether any household's ``choice`` is a person's."""
        return bool((self.household[choice] != MODEL_DECIDES).any())

    def take_up(self, choice: str, who: np.ndarray | None, by_model: np.ndarray,
                seated: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """For households ``who`` (indices; None: every household): the model's outcome ``by_model`` (bool)
        where nobody decided, else the person's. Where seats are limited, ``seated`` gives of some households
        (sorted indices) those the seats take as the model's rule fills them: what is recorded for the watched
        is then a seat, not a wish (the household came, not only wanted to)."""
        if self.watched is not None:
            self._record(choice, who, by_model if seated is None else self._seated(who, by_model, seated))
        if not self.forced(choice):
            return by_model
        forced = self.household[choice] if who is None else self.household[choice][who]
        return np.where(forced == MODEL_DECIDES, by_model, forced == 1)

    def volunteering(self, join: np.ndarray, quits: np.ndarray, volunteer: np.ndarray,
                     leader: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The week's volunteers who join and quit (sorted indices) as the model has them, with a person's
        choice in its place: yes joins (or stays), no quits (a leader stays a volunteer)."""
        if self.watched is not None:
            # The model's own volunteering for the watched, from the round's start on: its joins and quits
            # only, never what a person forced (the live state holds that from the round's second week).
            own = self._own_volunteer if self._own_volunteer is not None else volunteer[self.watched].copy()
            own[np.isin(self.watched, join)] = True
            own[np.isin(self.watched, quits)] = False
            self._own_volunteer = own
            self.seen["volunteer"] = self.seen.get("volunteer", np.zeros(len(self.watched), bool)) | own
        if not self.forced("volunteer"):
            return join, quits
        forced = self.household["volunteer"]
        join = np.union1d(join[forced[join] != 0], np.flatnonzero((forced == 1) & ~volunteer))
        quits = np.union1d(quits[forced[quits] != 1], np.flatnonzero((forced == 0) & volunteer & ~leader))
        return join, quits

    def wants(self, choice: str) -> np.ndarray:
        """Households whose person chose yes (they take a seat before the model's choosers)."""
        return self.household[choice] == 1
