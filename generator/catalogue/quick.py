"""The quick way to read a catalogue that is plain YAML: libyaml's C parser, YAML 1.2's scalars.

Reading with line numbers (generator/catalogue/document.py) costs a tenth of a second per thousand
lines; every build reads the catalogue, most builds change nothing, and a valid catalogue needs no
line numbers. A document read here holds no anchors, aliases, explicit tags, timestamps or deep
nesting (a catalogue needs none of them), and its plain scalars are read as YAML 1.2 reads them
(`yes`, `no`, `on` and `off` are text; only `true`/`false` are booleans; `010` is ten, `1_000` a
thousand), as the careful reader does. Anything else returns None, and the careful reader reads the document: it says
what is wrong, and where.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

MAX_DEPTH = 64
NODE_STARTS = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
# YAML 1.2's core schema for plain scalars; a scalar that matches none of these is text.
CORE = (
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        list("-+.0123456789"),
    ),
    # Recognised only to be refused: the careful reader reads (and checks) dates.
    ("tag:yaml.org,2002:timestamp", re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?$"), list("0123456789")),
)


class _Core12Loader(yaml.CSafeLoader):
    """libyaml's loader with YAML 1.2's core schema for plain scalars (set up below)."""


_Core12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in CORE:
    _Core12Loader.add_implicit_resolver(_tag, _pattern, _first)
_Core12Loader.add_constructor(
    "tag:yaml.org,2002:int",
    lambda loader, node: int(node.value.replace("_", ""), 0 if node.value[:2] in ("0o", "0x") else 10),
)


def quick_read(text: str) -> Any | None:
    """The document as plain data, or None when it needs the careful reader (see the module's docstring)."""
    try:
        if not _plain_structure(text):
            return None
        data = yaml.load(text, Loader=_Core12Loader)
    except (yaml.YAMLError, ValueError):
        return None
    return data if _plain_data(data) else None


def _plain_structure(text: str) -> bool:
    """No anchors, aliases, explicit tags or repeated keys, and nesting within MAX_DEPTH (events only:
    nothing is built)."""
    open_nodes: list[_Mapping | None] = []  # one per open mapping (its keys) or sequence (None)
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return False
        if getattr(event, "tag", None) not in (None, "!"):
            return False
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            open_nodes.pop()
            _value_done(open_nodes)
        elif isinstance(event, NODE_STARTS) and (not _place(open_nodes, event) or len(open_nodes) > MAX_DEPTH):
            return False
    return True


class _Mapping:
    """An open mapping: the keys it holds so far, and whether the next node is a key."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.at_key = True


def _place(open_nodes: list[_Mapping | None], event: Any) -> bool:
    """Account for a node that starts here; False when it is a repeated key or not a plain scalar key."""
    parent = open_nodes[-1] if open_nodes else None
    if parent is not None and parent.at_key:
        if not isinstance(event, yaml.ScalarEvent) or event.value in parent.keys:
            return False
        parent.keys.add(event.value)
        parent.at_key = False
        return True
    if isinstance(event, yaml.ScalarEvent):
        _value_done(open_nodes)
    else:
        open_nodes.append(_Mapping() if isinstance(event, yaml.MappingStartEvent) else None)
    return True


def _value_done(open_nodes: list[_Mapping | None]) -> None:
    """A value of the innermost open node is complete: a mapping expects a key next."""
    if open_nodes and open_nodes[-1] is not None:
        parent = open_nodes[-1]
        assert parent is not None
        parent.at_key = True


def _plain_data(value: Any) -> bool:
    """Only str keys, and only the types a catalogue holds (a timestamp means: read it carefully)."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain_data(item) for key, item in value.items())
    if isinstance(value, list):
        return all(_plain_data(item) for item in value)
    return value is None or type(value) in (str, int, float, bool)
