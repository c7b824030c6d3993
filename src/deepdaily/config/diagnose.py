"""One line per settings error: where it came from, which key, what is wrong, what was meant.

A pydantic validation error becomes ``<origin>: <dotted.key>: <problem>``, where the origin is
the settings file, ``environment (DEEPDAILY_*)`` or ``defaults``. An unknown key gets the
closest known key of its table (``did you mean 'items'?``, :mod:`difflib`) at every level:
top-level, ``[profile]``, ``[fetch]``, ``[[sources]]``, ``[[llm]]``, ``[profiles.NAME]``.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["SUB_KEY", "describe_error", "known_keys", "unknown_key"]

#: ``ctx`` key of a validator's error that points deeper than pydantic's ``loc`` (a tuple).
SUB_KEY = "sub_loc"


def known_keys(model: type[BaseModel]) -> list[str]:
    """The keys a table of ``model`` accepts (excluded fields are not the user's to set)."""
    return [name for name, field in model.model_fields.items() if not field.exclude]


def unknown_key(key: str, known: Iterable[str]) -> str:
    """``unknown key; did you mean 'x'?``, or the keys accepted when nothing is close."""
    choices = sorted(known)
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return "unknown key; expected one of " + ", ".join(choices)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly or in a list/optional (``list[SourceSpec]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin in (list, tuple, Union, types.UnionType):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _table_model(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model of the table holding the key at ``loc`` (its last step)."""
    model: type[BaseModel] | None = root
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        if model is None or step not in model.model_fields:
            return None
        model = _model_in(model.model_fields[step].annotation)
    return model


def _dotted(loc: Sequence[str | int], data: Any) -> str:
    """``sources[0] (name).url``: list positions carry the entry's name when it has one."""
    parts: list[str] = []
    node: Any = data
    for step in loc:
        if isinstance(step, int) and parts:
            name = ""
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict):
                name = str(node[step].get("name", ""))
            parts[-1] = f"{parts[-1]}[{step}]" + (f" ({name})" if name else "")
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    return ".".join(parts)


def describe_error(
    error: Mapping[str, Any], origin: str, data: Mapping[str, Any], root: type[BaseModel]
) -> str:
    """One validation error of ``root`` as ``origin: key: problem``."""
    ctx = error.get("ctx") or {}
    loc: list[str | int] = [*error["loc"], *ctx.get(SUB_KEY, ())]
    msg = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden" and loc:
        table = _table_model(root, loc)
        msg = unknown_key(str(loc[-1]), known_keys(table)) if table else "unknown key"
    key = _dotted(loc, data)
    return f"{origin}: {key}: {msg}" if key else f"{origin}: {msg}"
