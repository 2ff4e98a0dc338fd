"""Sparse fieldsets: `fields=title,sections.id` keeps only what a client shows, and always the safety envelope.

Valid names are the response model's fields and their sub-fields (dotted, to a depth of three),
read from the model itself, so a new field is selectable the day it is added. The attribution
(`source`) and the medical disclaimer are kept whatever is selected.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Annotated, Any, TypeVar, Union

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field

from api.models.common import Attribution, Disclaimer
from health_content.errors import InvalidQuery

MAX_FIELDS = 30
MAX_FIELDS_LENGTH = 1000
MAX_DEPTH = 3
ENVELOPE = ("source", "disclaimer")

_DESCRIPTION = (
    f"Only these fields of the JSON representation, dotted for sub-fields (at most {MAX_FIELDS}); `source` and "
    "`disclaimer` always come too, where the resource has them. An unknown name is a 400 that lists the valid ones."
)

# `fields` on the resource's own URL, which answers the whole resource in the OpenAPI document: the same selection
# is documented at /v1/partial/..., whose answer has a shape of its own (a typed client gets one model per
# operation), and the parameter keeps working here for the clients that already use it.
UndocumentedFieldsQuery = Annotated[
    str | None, Query(max_length=MAX_FIELDS_LENGTH, description=_DESCRIPTION, include_in_schema=False)
]


def fields_query(model: type[BaseModel], example: list[str]) -> Any:
    """The `fields` of an operation that selects from ``model``: an array of the names valid there, sent
    comma-separated (the document says `style: form`, `explode: false`), with an example valid there too.

    The route takes a list: a repeated `fields` is read too (openapi-python-client sends arrays that way),
    and ``joined`` makes it the one string ``select`` reads."""
    valid = sorted(field_paths(model))
    if not set(example) <= set(valid):
        raise ValueError(f"fields example {example} names fields {model.__name__} does not have")
    return Query(
        description=_DESCRIPTION,
        # _parse checks every name; the document says which may be sent, so that generated clients and
        # requests carry only names this operation knows.
        json_schema_extra={
            "type": "array",
            "items": {"type": "string", "enum": valid},
            "minItems": 1,
            "maxItems": MAX_FIELDS,
            "examples": [example],
        },
    )


def joined(fields: list[str]) -> str:
    """`fields=a,b` and `fields=a&fields=b` alike, as one comma-separated selection."""
    return ",".join(fields)


Selection = dict[str, "Selection | bool"]
Body = TypeVar("Body", bound=BaseModel)


class PartialOut(BaseModel):
    """The fields named in `fields`, in the resource's own shape."""

    model_config = ConfigDict(extra="allow", frozen=True)


class SparseOut(PartialOut):
    """The fields named in `fields`, in the resource's own shape, with its attribution and disclaimer."""

    source: Attribution | None = Field(description="Always included, whatever `fields` selects.")
    disclaimer: Disclaimer | None = Field(description="Always included, whatever `fields` selects.")


Sparse = TypeVar("Sparse", bound=PartialOut)


def select(body: Body, fields: str | None, sparse: type[Sparse]) -> Body | Sparse:
    """``body`` as it is without ``fields``; else only the selected fields, and the envelope where it has one."""
    if fields is None:
        return body
    selection = _parse(fields, type(body))
    for name in ENVELOPE:
        if name in type(body).model_fields:
            selection[name] = True
    dumped = body.model_dump(mode="json", by_alias=True)
    return sparse.model_validate(_prune(dumped, selection))


def check_selection(fields: str | None, model: type[BaseModel]) -> None:
    """A 400 unless each name of ``fields`` is known to ``model``, before anything is read: so that
    what the client sent, not the state of the store, decides its answer."""
    if fields is not None:
        _parse(fields, model)


def normalized_fields(fields: str | None) -> str | None:
    """One spelling per selection (order and repeats do not change what is selected), for cache keys."""
    if fields is None:
        return None
    return ",".join(sorted({name.strip() for name in fields.split(",")}))


def _parse(fields: str, model: type[BaseModel]) -> Selection:
    names = [name.strip() for name in fields.split(",")]
    if any(not name for name in names) or any(not part for name in names for part in name.split(".")):
        raise InvalidQuery([("fields", "an empty name (two commas or dots in a row, or one at an end)")])
    if len(names) > MAX_FIELDS:
        raise InvalidQuery([("fields", f"{len(names)} names; at most {MAX_FIELDS} may be selected")])
    valid = field_paths(model)
    unknown = [name for name in names if name not in valid]
    if unknown:
        raise InvalidQuery(
            [("fields", f"unknown: {', '.join(sorted(set(unknown)))}; valid: {', '.join(sorted(valid))}")]
        )
    selection: Selection = {}
    for name in names:
        node = selection
        *parents, leaf = name.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if child is True:
                break  # the whole parent is already selected
            assert isinstance(child, dict)
            node = child
        else:
            node[leaf] = True
    return selection


def _prune(value: Any, selection: Selection | bool) -> Any:
    if selection is True or not isinstance(selection, dict):
        return value
    if isinstance(value, list):
        return [_prune(item, selection) for item in value]
    if isinstance(value, dict):
        return {name: _prune(value[name], inner) for name, inner in selection.items() if name in value}
    return value


@cache
def field_paths(model: type[BaseModel], depth: int = 1) -> frozenset[str]:
    """Every selectable name of ``model``: its fields, and their sub-fields down to MAX_DEPTH."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias or name
        paths.add(key)
        if depth < MAX_DEPTH:
            for inner in _models_in(info.annotation):
                paths.update(f"{key}.{path}" for path in field_paths(inner, depth + 1))
    return frozenset(paths)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds: itself, in a list, optional, or one of a union (blocks)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, tuple, Union, types.UnionType):
        return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]
    return []
