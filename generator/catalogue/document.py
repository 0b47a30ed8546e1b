"""Read a YAML file into round-trip nodes (which keep line numbers), refusing what would exhaust the reader.

The file must be UTF-8. Its size as composed is bounded while it is composed, before anything is built
from it: aliases (`*name`) are counted, and so are the values the document holds once every alias is
expanded, so a few kilobytes of nested aliases (a "billion laughs" document) are refused at once,
with the line where the limit was passed. Nesting depth is bounded too, and explicit tags (`!!set`,
`!!binary`, `!!python/...`, `!custom`) are refused before anything is built from them. A catalogue
needs none of this: it has a few thousand plain values, and few aliases. A value that looks typed
but is not (the date 2024-13-45) is reported with its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, MaxDepthExceededError
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from generator.catalogue.repos import describe_character
from generator.errors import InvalidInputError, Problem

# Only the non-specific tag: others build objects (!!set, !!binary, !!python/...) or mean nothing here.
PLAIN_TAGS = {"!"}
MAX_ALIASES = 1_000
MAX_NODES = 200_000  # counted with aliases expanded; the shipped catalogue has about 4,000
MAX_DEPTH = 64


class _RefusedError(Exception):
    """The document passed a limit, or holds what a catalogue never needs; `line` is where (1-based)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _BoundedComposer(Composer):
    """ruamel's composer, counting aliases and the nodes the document holds with its aliases expanded,
    and refusing tags that are not plain data."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.aliases = 0
        self.expanded = 0
        self.sizes: dict[int, int] = {}  # id(anchored node) → its node count, aliases expanded

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            line = self.parser.peek_event().start_mark.line + 1
            node = super().compose_node(parent, index)
            self._count_alias(node, line)
            return node
        _check_tag(self.parser.peek_event())
        before = self.expanded
        node = super().compose_node(parent, index)
        self._count(1, node.start_mark.line + 1)
        if node.anchor is not None:
            self.sizes[id(node)] = self.expanded - before
        return node

    def _count_alias(self, node: Any, line: int) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            message = f"too many aliases: more than {MAX_ALIASES:,} `*name` references; write the values out"
            raise _RefusedError(line, message)
        if id(node) not in self.sizes:
            message = f"alias *{node.anchor} is used inside the value it names, which would never end; remove it"
            raise _RefusedError(line, message)
        self._count(self.sizes[id(node)], line)

    def _count(self, nodes: int, line: int) -> None:
        self.expanded += nodes
        if self.expanded > MAX_NODES:
            raise _RefusedError(
                line,
                f"too many nodes: with its aliases expanded the document holds more than {MAX_NODES:,} values "
                "(aliases nested in aliases multiply); a catalogue needs far fewer: write the values out",
            )


def _check_tag(event: Any) -> None:
    if event.ctag is not None and str(event.ctag) not in PLAIN_TAGS:
        tag = str(event.ctag).replace("tag:yaml.org,2002:", "!!")
        message = f"the tag {tag} is not used in a catalogue (write plain values; quote text that looks like a number)"
        raise _RefusedError(event.start_mark.line + 1, message + "; remove it")


class _Constructor(RoundTripConstructor):
    """ruamel's constructor, saying which value it could not read instead of failing inside Python."""

    def construct_non_recursive_object(self, node: Any, tag: str | None = None) -> Any:
        try:
            return super().construct_non_recursive_object(node, tag)
        except (ValueError, TypeError, KeyError, OverflowError) as error:
            kind = str(node.tag).rsplit(":", 1)[-1].replace("timestamp", "date")
            message = f"cannot read {node.value!r} as a {kind} ({error}); quote it if it is text"
            raise _RefusedError(node.start_mark.line + 1, message) from None


def read_document(path: Path) -> Any:
    """The YAML document in `path` as round-trip nodes (CommentedMap, CommentedSeq, scalars).

    Raises:
        InvalidInputError: the file is missing, not UTF-8, not YAML, or larger than the limits above.
    """
    text = _read_text(path)
    yaml = YAML(typ="rt")
    yaml.Composer = _BoundedComposer
    yaml.Constructor = _Constructor
    yaml.max_depth = MAX_DEPTH
    try:
        return yaml.load(text)
    except _RefusedError as error:
        raise _invalid(path, error.line, error.message) from None
    except MaxDepthExceededError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        message = f"nested more than {MAX_DEPTH} levels deep; a catalogue needs a few levels"
        raise _invalid(path, line, message) from None
    except MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise _invalid(path, line, f"invalid YAML: {error.problem or error.context or error}") from None
    except ReaderError as error:
        raise _unreadable_character(path, text, error) from None
    except YAMLError as error:
        raise _invalid(path, None, f"invalid YAML: {error}") from None


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _invalid(path, None, "file not found") from None
    except OSError as error:
        raise _invalid(path, None, f"cannot read the file: {error.strerror or error}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _invalid(path, 1, "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = (
            f"not UTF-8: byte 0x{raw[error.start]:02x} at byte offset {error.start} (line {line}, byte {column} of "
            "the line) is not valid UTF-8; save the file as UTF-8 (the editor's encoding setting)"
        )
        raise _invalid(path, line, message) from None


def _unreadable_character(path: Path, text: str, error: ReaderError) -> InvalidInputError:
    position = int(error.position)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    char = chr(error.character) if isinstance(error.character, int) else str(error.character)
    return _invalid(path, line, f"{describe_character(char, column, 'column')}, which YAML does not allow; remove it")


def _invalid(path: Path, line: int | None, message: str) -> InvalidInputError:
    return InvalidInputError([Problem(str(path), line, "", message)])
