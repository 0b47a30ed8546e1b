"""The `python -m generator ...` command lines written in workflows and documents, ready to parse.

A workflow's `run:` script is shell: before a command line can be handed to the generator's own
argument parser, its GitHub expressions and shell variables are resolved the way the runner would:

- `${{ matrix.NAME }}` → each value of the job's matrix (one command line per combination);
- `$NAME` / `${NAME}` → the value of NAME in the workflow's, job's or step's `env:` (itself resolved),
  or a placeholder word for variables the runner sets (`$RUNNER_TEMP`);
- any other `${{ ... }}` → a placeholder word;
- `"${name[@]}"` (a bash array: a list of options built in the same script, e.g. `--only ID` pairs
  from the plan job's output) → nothing.
"""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

PLACEHOLDER = "PLACEHOLDER"
INVOCATION = re.compile(r"python -m generator\b")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
ARRAY = re.compile(r"\"?\$\{\w+\[@\]\}\"?")
VARIABLE = re.compile(r"\$\{(\w+)\}|\$(\w+)")
OPERATORS = set("();<>|&")


@dataclass(frozen=True)
class CommandLine:
    """One generator invocation: where it was written, as written, and its arguments once resolved."""

    where: str
    written: str
    argv: list[str]


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file as plain data (YAML 1.2: the `on:` key stays a string)."""
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return data


def workflow_commands(path: Path) -> Iterator[CommandLine]:
    """Every generator command line in the `run:` steps of a workflow, once per matrix combination."""
    workflow = load_workflow(path)
    for job_id, job in workflow["jobs"].items():
        for matrix in _combinations(job):
            for index, step in enumerate(job.get("steps", [])):
                env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                where = f"{path.name}: jobs.{job_id}.steps[{index}] ({step.get('name', 'unnamed')}) {matrix or ''}"
                for line in _logical_lines(step.get("run", "")):
                    yield from _commands_in(line, where, env, matrix)


def text_commands(path: Path) -> Iterator[CommandLine]:
    """Every generator command line in the fenced code blocks of a Markdown document (or Markdown in YAML)."""
    fenced = False
    for number, line in enumerate(_logical_lines(path.read_text(encoding="utf-8")), start=1):
        if line.strip().startswith("```"):
            fenced = not fenced
        elif fenced:
            yield from _commands_in(line, f"{path.name}:{number}", {}, {})


def _commands_in(line: str, where: str, env: dict[str, Any], matrix: dict[str, Any]) -> Iterator[CommandLine]:
    for match in INVOCATION.finditer(line):
        rest = line[match.end() :].split(" #")[0]
        yield CommandLine(where, line.strip(), _arguments(rest, env, matrix))


def _arguments(text: str, env: dict[str, Any], matrix: dict[str, Any]) -> list[str]:
    text = ARRAY.sub(" ", _expressions(text, matrix))
    text = VARIABLE.sub(lambda m: _variable(m.group(1) or m.group(2), env, matrix), text)
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = []
    for word in lexer:
        if set(word) <= OPERATORS:
            break
        words.append(word)
    return words


def _expressions(text: str, matrix: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("matrix.") and name.removeprefix("matrix.") in matrix:
            return str(matrix[name.removeprefix("matrix.")])
        return PLACEHOLDER

    return EXPRESSION.sub(value, text)


def _variable(name: str, env: dict[str, Any], matrix: dict[str, Any]) -> str:
    return _expressions(str(env[name]), matrix) if name in env else PLACEHOLDER


def _combinations(job: dict[str, Any]) -> list[dict[str, Any]]:
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    axes = {key: values for key, values in matrix.items() if isinstance(values, list) and key != "include"}
    combos = [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]
    return [*combos, *matrix.get("include", [])] or [{}]


def _logical_lines(script: str) -> list[str]:
    """Lines with their backslash continuations joined."""
    return script.replace("\\\n", " ").splitlines()
