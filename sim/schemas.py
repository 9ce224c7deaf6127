"""One JSON Schema per input file kind, checked by the one validator (sim/validation.py).

Kinds: scenario (presets are scenario files too), experiment, calibration, targets, robustness,
posterior and street. Parameters are described once, in sim/params.py: every schema that names parameters
(a scenario's sections, an experiment's factors, a calibration's priors, a target's overrides, a
posterior's columns) builds their types and ranges from there, and metric names from the metric
registry. Checks that tie several fields together (shares that must add up to 1, a statistic's
value inside the metric's range, low below high) stay with each loader, in the same message form.

To add a kind: write its schema here, a loader that calls
``validation.check(data, schema, path, ErrorClass)`` and then its own cross-field checks, and
register it in sim/filekinds.py (which ``sim validate`` and the mutation tests read).
"""

from __future__ import annotations

import dataclasses
from functools import cache

from sim.params import IMPROVEMENT_TYPES, SECTIONS
from sim.paths import NAME_PATTERN, NAME_RULE

SEE_PARAMS = "a parameter as section.key (see `sim params`)"
SEED_MAX = 2**63 - 1


def integer(lo: int, hi: int) -> dict:
    return {"type": "integer", "minimum": lo, "maximum": hi}


def number(lo: float | None = None, hi: float | None = None, above: float | None = None) -> dict:
    schema: dict = {"type": "number"}
    if lo is not None:
        schema["minimum"] = lo
    if above is not None:
        schema["exclusiveMinimum"] = above
    if hi is not None:
        schema["maximum"] = hi
    return schema


TEXT = {"type": "string"}
NONEMPTY_TEXT = {"type": "string", "minLength": 1, "description": "non-empty text"}
NAME = {"type": "string", "pattern": f"^(?!.*\\.\\.){NAME_PATTERN.pattern}$", "x-pattern": f"not a valid name; "
        f"allowed: {NAME_RULE}", "description": f"a name (a string); allowed: {NAME_RULE}"}
SEED = integer(0, SEED_MAX)


def names(what: str = "names", item: dict | None = None) -> dict:
    """A non-empty list of distinct names (scenarios, presets, targets, metrics)."""
    return {"type": "array", "minItems": 1, "uniqueItems": True, "items": item or NONEMPTY_TEXT,
            "description": f"a non-empty list of {what}"}


def table(properties: dict, required: tuple[str, ...] = (), allowed: str | None = None) -> dict:
    """A TOML table with exactly these keys (``allowed``: how the message names them when there are many)."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if allowed:
        schema["x-allowed"] = allowed
    return schema


# ----------------------------------------------------------------- parameters (sim/params.py)


def _default(f: dataclasses.Field) -> object:
    return f.default if f.default is not dataclasses.MISSING else f.default_factory()


def parameter_value(f: dataclasses.Field) -> dict:
    """The schema of one parameter's value, from its declaration (type, range, choices)."""
    meta, default = f.metadata, _default(f)
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, str):
        return {"type": "string", "enum": list(meta["choices"])}
    if isinstance(default, dict):
        return table({k: number(meta["lo"], meta["hi"]) for k in IMPROVEMENT_TYPES},
                     allowed="the improvement types " + ", ".join(IMPROVEMENT_TYPES))
    return integer(meta["lo"], meta["hi"]) if isinstance(default, int) else number(meta["lo"], meta["hi"])


def parameter_fields() -> dict[str, dataclasses.Field]:
    """Every parameter by its ``section.key``."""
    return {f"{s}.{f.name}": f for s, cls in SECTIONS.items() for f in dataclasses.fields(cls)}


def is_numeric(f: dataclasses.Field) -> bool:
    default = _default(f)
    return isinstance(default, (int, float)) and not isinstance(default, bool)


@cache
def sections() -> dict:
    """The parameter sections of a scenario file: ``[planner] hours_per_week = 16`` ..."""
    return {section: table({f.name: parameter_value(f) for f in dataclasses.fields(cls)})
            for section, cls in SECTIONS.items()}


@cache
def scenario() -> dict:
    """A scenario or preset file: name, description, extends, the session keys (preset, seed), the sections."""
    return table({"name": NAME, "description": TEXT, "extends": NONEMPTY_TEXT | {"description": "a file name"},
                  "preset": NONEMPTY_TEXT | {"description": "the name of a file in scenarios/presets"},
                  "seed": SEED, **sections()})


@cache
def overrides() -> dict:
    """``{"section.key" = value, ...}``: parameter values by key (a target's overrides)."""
    return table({key: parameter_value(f) for key, f in parameter_fields().items()}, allowed=SEE_PARAMS)


def _numeric_range(f: dataclasses.Field) -> dict:
    value = parameter_value(f)
    return {"type": "array", "minItems": 2, "maxItems": 2, "items": number(value["minimum"], value["maximum"]),
            "description": f"[low, high], finite numbers within {value['minimum']} to {value['maximum']}"}


# ----------------------------------------------------------------- metrics (sim/metrics.py)


@cache
def metric() -> dict:
    from sim.sweep.experiment import metric_names

    return {"type": "string", "enum": list(metric_names()),
            "description": "a metric or group column (see `sim metrics`; group columns are NAME__young, "
                           "NAME__renter, ...)"}


# ----------------------------------------------------------------- the file kinds


@cache
def experiment() -> dict:
    from sim.sweep.experiment import DESIGNS, KEEP

    factor = {}
    for key, f in parameter_fields().items():
        if isinstance(_default(f), dict):  # a table such as [street_office] priorities
            factor[key] = {"not": {}, "description": "a single-valued parameter: a table of values cannot be varied "
                                                     "(see `sim params`)"}
            continue
        spec = {"values": {"type": "array", "minItems": 1, "items": parameter_value(f),
                           "description": "a non-empty list of values (a grid)"}}
        if is_numeric(f):
            spec["range"] = _numeric_range(f)
        factor[key] = table(spec)
    return table({
        "name": NAME, "description": TEXT, "scenarios": names("scenario names or files"),
        "presets": names("preset names"), "replications": integer(1, 100_000), "master_seed": SEED,
        "weeks": integer(1, 1040), "keep": {"type": "string", "enum": list(KEEP)},
        "metrics": names("metrics", metric()),
        "design": table({"kind": {"type": "string", "enum": list(DESIGNS)}, "samples": integer(0, 1_000_000),
                         "levels": integer(2, 64)}),
        "parameters": table(factor, allowed=SEE_PARAMS)}, required=("name", "scenarios"))


def _priors(numeric_only: bool, floats_only: bool) -> dict:
    """``[parameters."section.key"]`` tables with an optional ``range`` and its ``source``."""
    priors = {}
    for key, f in parameter_fields().items():
        if not is_numeric(f) or (floats_only and isinstance(_default(f), int)):
            continue
        priors[key] = table({"range": _numeric_range(f), "source": NONEMPTY_TEXT})
    whole = (" that are not whole numbers (ABC perturbs continuously: fix a whole-number parameter in a target's "
             "overrides, or vary it in a sweep)") if floats_only else ""
    return table(priors, allowed=f"numeric parameters{whole}, as section.key (see `sim params`)")


def _abc() -> dict:
    from sim.calibration.spec import NORMS

    return table({"population_size": integer(4, 100_000), "max_generations": integer(1, 200),
                  "tolerance": number(hi=1e6, above=0), "norm": {"type": "string", "enum": list(NORMS)},
                  "quantile": number(hi=1, above=0), "min_acceptance_rate": number(0, 1), "master_seed": SEED,
                  "predictive_draws": integer(1, 100_000), "weeks": integer(1, 1040)})


@cache
def calibration() -> dict:
    return table({"name": NAME, "description": TEXT, "targets": names("target files"), "fit": names("target names"),
                  "parameters": _priors(numeric_only=True, floats_only=True), "abc": _abc(), "quick": _abc()},
                 required=("name", "targets", "fit"))


@cache
def targets() -> dict:
    target = table({"name": NONEMPTY_TEXT, "statistic": metric(), "value": number(),
                    "uncertainty": number(above=0), "scenario": NONEMPTY_TEXT, "preset": NONEMPTY_TEXT,
                    "weeks": integer(1, 1040), "overrides": overrides(), "source": NONEMPTY_TEXT, "note": TEXT},
                   required=("name", "statistic", "value", "uncertainty", "scenario", "source"))
    return table({"description": TEXT, "target": {"type": "array", "minItems": 1, "items": target,
                                                  "description": "at least one [[target]] table"}},
                 required=("target",))


@cache
def robustness() -> dict:
    return table({"name": NAME, "description": TEXT, "baseline": NONEMPTY_TEXT, "scenarios": names("scenario names"),
                  "preset": NONEMPTY_TEXT, "samples": integer(2, 1_000_000), "replications": integer(1, 10_000),
                  "master_seed": SEED, "weeks": integer(1, 1040), "metrics": names("metrics", metric()),
                  "min_effect": {"type": "object", "additionalProperties": number(lo=0),
                                 "description": "a table of metric = smallest effect that counts (0 or more)"},
                  "parameters": _priors(numeric_only=True, floats_only=False)},
                 required=("name", "baseline", "scenarios"))


@cache
def posterior_row() -> dict:
    """One row of a posterior sample (CSV): a weight, parameters inside their ranges; other columns (distance,
    statistics) as they are. A column named like a parameter must be one."""
    columns = {key: number(parameter_value(f)["minimum"], parameter_value(f)["maximum"])
               for key, f in parameter_fields().items() if is_numeric(f)}
    return {"type": "object", "properties": {"weight": number(lo=0), **columns},
            "patternProperties": {r"^[^.]*$": {}},  # distance, statistics: read, not checked
            "additionalProperties": {"not": {}, "description": "a known numeric parameter (see `sim params`)"},
            "required": ["weight"]}


@cache
def street() -> dict:
    """A street file (sim/street.py): its office and budget rule, its neighbourhoods, planners and placements."""
    from sim.street import ALLOCATIONS, MAX_NEIGHBOURHOODS

    rule = {"type": "string", "enum": list(ALLOCATIONS)}
    neighbourhood = table({"name": NAME, "scenario": NONEMPTY_TEXT, "preset": NONEMPTY_TEXT, "set": overrides(),
                           "copies": integer(1, MAX_NEIGHBOURHOODS)}, required=("name",))
    planner = table({"neighbourhood": NONEMPTY_TEXT, "from_week": integer(1, 1040),
                     "until_week": integer(1, 10**9)}, required=("neighbourhood",))
    placement = table({"name": NONEMPTY_TEXT, "planners": names("neighbourhood names")},
                      required=("name", "planners"))
    return table({
        "name": NAME, "description": TEXT, "weeks": integer(1, 1040),
        "office": table({"budget_yuan_per_year": number(0, 1e11), "allocation": rule},
                        required=("budget_yuan_per_year",)),
        "neighbourhood": {"type": "array", "minItems": 1, "maxItems": MAX_NEIGHBOURHOODS, "items": neighbourhood,
                          "description": "one [[neighbourhood]] table for each neighbourhood"},
        "planner": {"type": "array", "items": planner, "description": "[[planner]] tables"},
        "compare": table({"budget_rules": names("budget rules", rule),
                          "placement": {"type": "array", "items": placement,
                                        "description": "[[compare.placement]] tables"}})},
        required=("office", "neighbourhood"))
