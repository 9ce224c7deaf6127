"""Imported by multiprocessing's forkserver (its preload list, see sim.execution.executors): the server,
and so every pool worker it forks, dies with the process that started it (sim.processes)."""

from sim.processes import die_with_parent

die_with_parent()
