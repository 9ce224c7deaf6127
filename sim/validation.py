"""One validator for every input file: a JSON Schema per file kind (sim/schemas.py), checked by jsonschema.

Whatever the kind, a refusal is one line in one form, naming the file, where the key is and what
is allowed::

    FILE: WHERE = VALUE: expected WHAT                 (a wrong type)
    FILE: WHERE = VALUE is out of range; allowed: RANGE
    FILE: WHERE = VALUE: allowed: one of A, B, C
    FILE: unknown key WHERE; allowed keys: A, B, C
    FILE: WHERE: required (WHAT)

WHERE is the key as a reader finds it in the file: ``name``, ``[planner] hours_per_week``,
``[parameters."planner.hours_per_week"] range, item 2``, ``[[target]] turnout_young: value``, or
``row 3, weight`` in a table. Numbers must be finite (nan and inf are out of every range).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from sim.inputs import InputError, one_line

BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _finite_number(checker: object, value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole_number(checker: object, value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or (math.isfinite(value) and value.is_integer())


@cache
def _validator_class() -> type:
    """Draft 2020-12 with TOML's numbers: integers and integral floats are whole numbers, booleans are not numbers.

    Non-finite floats pass the type check and fail the range check (see :func:`_non_finite`).
    """
    import jsonschema

    base = jsonschema.Draft202012Validator
    types = base.TYPE_CHECKER.redefine_many({"number": _finite_number, "integer": _whole_number})
    return jsonschema.validators.extend(base, type_checker=types)


_VALIDATORS: dict[int, Any] = {}


def _validator(schema: dict) -> Any:
    key = id(schema)
    if key not in _VALIDATORS:  # schemas are built once (cached) and never changed
        _VALIDATORS[key] = (_validator_class()(schema), schema)
    return _VALIDATORS[key][0]


def check(data: Any, schema: dict, origin: str, error: type[Exception] = InputError, prefix: str = "") -> Any:
    """Raise ``error`` with one line (the form above) for the first problem of ``data`` in file order, if any;
    else return ``data`` with whole numbers as ints (:func:`whole_numbers`).

    ``prefix`` ("row 3, ") says ``data`` is a row of a table, whose columns are named as they are.
    """
    problems = list(_validator(schema).iter_errors(data)) + _non_finite(data, schema)
    if problems:
        first = min(problems, key=lambda e: _order(data, list(e.absolute_path)))
        raise error(one_line(message(first, data, origin, prefix)))
    return whole_numbers(data, schema)


def whole_numbers(data: Any, schema: dict) -> Any:
    """``data`` (valid) with every whole number the schema asks for as an int (TOML's ``5.0`` where 5 is meant)."""
    if isinstance(data, float) and schema.get("type") == "integer":
        return int(data)
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            sub = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
            out[key] = whole_numbers(value, sub) if isinstance(sub, dict) else value
        return out
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [whole_numbers(v, schema["items"]) for v in data]
    return data


class _Problem:
    """A problem found outside jsonschema (a non-finite number), shaped like its ValidationError."""

    def __init__(self, path: list, validator: str, schema: dict, instance: Any) -> None:
        self.absolute_path, self.validator, self.schema, self.instance = path, validator, schema, instance


def _non_finite(data: Any, schema: dict, path: list | None = None) -> list:
    """nan and inf where the schema wants a number: out of range (jsonschema's range checks let nan through)."""
    path = path or []
    if isinstance(data, float) and not math.isfinite(data):
        return [_Problem(path, "finite", schema, data)] if schema.get("type") in ("number", "integer") else []
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            sub = schema.get("properties", {}).get(key)
            if sub is None and isinstance(schema.get("additionalProperties"), dict):
                sub = schema["additionalProperties"]
            if isinstance(sub, dict):
                found += _non_finite(value, sub, path + [key])
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(data):
            found += _non_finite(value, schema["items"], path + [i])
    return found


def _order(data: Any, path: list) -> tuple:
    """Where ``path`` comes in the file: the position of each of its keys (tables keep the file's order)."""
    positions, node = [], data
    for part in path:
        if isinstance(node, dict) and part in node:
            positions.append(list(node).index(part))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            positions.append(part)
            node = node[part]
        else:
            positions.append(-1)
            break
    return (*positions, 10**9)  # an object's own problem (unknown key, required) after problems inside it


# ----------------------------------------------------------------- the message


def number(x: float) -> str:
    """A bound as a person writes it: 60, 0.5, 100000, 1e-06."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e18 else f"{x:g}"


def range_text(schema: dict) -> str:
    """What a number schema allows: '0 to 60', 'at least 0', 'above 0', 'any finite number'."""
    lo = schema.get("minimum", schema.get("exclusiveMinimum"))
    hi = schema.get("maximum")
    low = None if lo is None else (f"above {number(lo)}" if "exclusiveMinimum" in schema else number(lo))
    if low is not None and hi is not None:
        return f"{low} to {number(hi)}" if "exclusiveMinimum" not in schema else f"{low}, at most {number(hi)}"
    if low is not None:
        return low if "exclusiveMinimum" in schema else f"at least {low}"
    if hi is not None:
        return f"at most {number(hi)}"
    return "any finite number"


def expected(schema: dict) -> str:
    """What a schema asks for, in words (its ``description`` when it has one)."""
    if "description" in schema:
        return schema["description"]
    kind = schema.get("type")
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if kind == "integer":
        return f"a whole number, {range_text(schema)}"
    if kind == "number":
        return f"a number, {range_text(schema)}"
    return {"boolean": "true or false", "string": "text", "array": "a list", "object": "a table"}.get(kind, "a value")


def show(value: Any) -> str:
    """A value as the message shows it (TOML's nan and inf; long values cut)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _key(part: Any) -> str:
    return part if BARE_KEY.fullmatch(str(part)) else '"' + str(part).replace('"', '\\"') + '"'


def _render(header: list[str]) -> str:
    """A key under its table: ``name``, ``[planner] hours_per_week``, ``[street_office.priorities] plaza``."""
    if len(header) <= 1:
        return "".join(header)
    return f"[{'.'.join(header[:-1])}] {header[-1]}"


def location(path: Sequence, data: Any) -> str:
    """Where ``path`` is in the file, as a reader finds it (see the module docstring)."""
    text, header, node = "", [], data
    for part in path:
        child = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
        if isinstance(part, int) and isinstance(child, dict):  # one table of an array of tables
            name = child.get("name")
            text = f"[[{'.'.join(header)}]] {name if isinstance(name, str) and name else f'number {part + 1}'}"
            header = []
        elif isinstance(part, int):  # an item of a list
            text = f"{_joined(text, header)}, item {part + 1}"
            header = []
        else:
            header.append(_key(part))
        node = child
    return _joined(text, header) or "the file"


def _joined(text: str, header: list[str]) -> str:
    key = _render(header)
    return f"{text}: {key}" if text and key else text or key


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


def message(problem: Any, data: Any, origin: str, prefix: str = "") -> str:
    """The one line for a jsonschema ValidationError (or a _Problem) found in ``data`` read from ``origin``."""
    path, kind, schema, value = list(problem.absolute_path), problem.validator, problem.schema, problem.instance

    def location_(path: list) -> str:  # a row of a table (prefix "row 3, "): its columns as they are named
        return prefix + (", ".join(str(p) for p in path) if prefix else location(path, data))

    where = location_(path)
    if kind == "additionalProperties":
        known = set(schema.get("properties", {}))
        extra = next(k for k in value if k not in known)
        allowed = schema.get("x-allowed") or ", ".join(schema.get("properties", {}))
        return f"{origin}: unknown key {location_(path + [extra])}; allowed keys: {allowed}"
    if kind == "required":
        missing = next(k for k in schema["required"] if k not in value)
        what = expected(schema.get("properties", {}).get(missing, {}))
        return f"{origin}: {location_(path + [missing])}: required ({what})"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "finite"):
        return f"{origin}: {where} = {show(value)} is out of range; allowed: {range_text(schema)}"
    if kind == "enum" and "description" not in schema:
        return f"{origin}: {where} = {show(value)}: allowed: {expected(schema)}"
    if kind == "pattern":
        return f"{origin}: {where} = {show(value)}: {schema.get('x-pattern', 'not allowed')}"
    if kind == "uniqueItems":
        twice = next(v for i, v in enumerate(value) if v in value[:i])
        return f"{origin}: {where}: {show(twice)} is listed twice"
    return f"{origin}: {where} = {show(value)}: expected {expected(schema)}"
