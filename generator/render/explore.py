""" "Explore the model": the interpreter session a reader would have after loading it, from the lock."""

from __future__ import annotations

import textwrap

from generator.catalogue.model import Entry, SmokeInput
from generator.lock.records import EntrypointLock, ModelFacts, SmokeResult

# Exactly what the smoke probe records: the model class's own public names that torch.nn.Module lacks,
# looked up on the class without running them; methods are called, properties are read as attributes.
OWN_NAMES = 'own = [n for n in dir(type(model)) if not n.startswith("_") and n not in dir(torch.nn.Module)]'
METHODS = "[n for n in own if inspect.isroutine(inspect.getattr_static(type(model), n))]  # methods: call them"
PROPERTIES = "[n for n in own if isinstance(inspect.getattr_static(type(model), n), property)]  # properties: read them"


def explored(info: EntrypointLock) -> SmokeResult | None:
    """The CPU load of `info` when it returned a torch.nn.Module the probe described, else None."""
    result = info.smoke.get("cpu")
    if result is None or result.status != "ok" or not result.is_module or result.model is None:
        return None
    return result


def explore_code(info: EntrypointLock, entry: Entry, forward_doc: str) -> str:
    """A `pycon` transcript: the model's own methods and properties, `help(model.forward)` (with
    `forward_doc`, its docstring, when at hand) and one forward pass's shape.

    Empty when the entrypoint was not loaded on CPU or did not return a torch.nn.Module.
    """
    result = explored(info)
    if result is None or result.model is None:
        return ""
    lines = [*_names(result.model), ">>> help(model.forward)", f"forward{result.model.forward_signature or '(...)'}"]
    if forward_doc:
        lines.append(textwrap.indent(forward_doc, "    "))
    example = entry.smoke.for_entrypoint(info.name).input
    if example is not None and result.output_shape is not None:
        lines.append(f">>> output = model({example_tensor(example)})")
        lines.append(">>> output.shape, output.dtype  # of its first tensor, when it returns several")
        lines.append(f"(torch.Size({result.output_shape}), torch.{result.output_dtype or 'float32'})")
    return "\n".join(lines) + "\n"


def _names(facts: ModelFacts) -> list[str]:
    lines = [">>> import inspect, torch", f">>> {OWN_NAMES}", f">>> {METHODS}", repr(facts.methods)]
    if facts.properties:
        lines += [f">>> {PROPERTIES}", repr(facts.properties)]
    return lines


def example_tensor(example: SmokeInput) -> str:
    """The Python expression for random input of the example's shape and dtype."""
    shape = ", ".join(str(n) for n in example.shape)
    if example.dtype == "int64":
        return f"torch.randint(0, {example.high}, ({shape},))"
    suffix = "" if example.dtype == "float32" else f", dtype=torch.{example.dtype}"
    return f"torch.randn({shape}{suffix})"
