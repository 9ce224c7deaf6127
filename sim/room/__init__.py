"""Workshop rooms: people play households, the planner, the street office and the committee in one run.

``seats`` (who can be played), ``choices`` (what each seat may choose and how it enters the model),
``engine`` (a room's run, rounds, replay), ``branch`` (what-if branches), ``room`` (one room: tokens,
rounds, timer, session log), ``registry`` (the server's rooms), ``export`` (a session as files).
"""
