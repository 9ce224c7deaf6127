"""The execution layer every job sits on: runs in batches (one model of many neighbourhoods), executors
(local processes, Dask, in-process) with a loop that survives dying workers.

Jobs (the main comparison, sweeps, calibration, robustness, benchmarks) describe runs as
:class:`~sim.execution.runs.RunSpec` and hand them here; nothing here knows about jobs.
"""
