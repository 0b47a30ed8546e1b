""" "Explore the model": the interpreter session a reader would have after loading it, from the lock."""

from __future__ import annotations

import textwrap

from generator.catalogue.model import Entry, SmokeInput
from generator.lock.records import EntrypointLock

# Exactly what the smoke probe records: callables of the model's class that torch.nn.Module does not have.
DIR_CALL = (
    "[name for name in dir(type(model))\n"
    '...  if not name.startswith("_") and name not in dir(torch.nn.Module) and callable(getattr(model, name))]'
)


def explore_code(info: EntrypointLock, entry: Entry) -> str:
    """A `pycon` transcript: the model's own methods, `help(model.forward)`, and one forward pass's shape.

    Empty when the entrypoint was not loaded on CPU or did not return a torch.nn.Module.
    """
    result = info.smoke.get("cpu")
    if result is None or result.status != "ok" or not result.is_module or result.model is None:
        return ""
    facts = result.model
    lines = [">>> import torch", f">>> {DIR_CALL}", repr(facts.methods), ">>> help(model.forward)"]
    lines.append(f"forward{facts.forward_signature or '(...)'}")
    if facts.forward_doc:
        lines.append(textwrap.indent(facts.forward_doc, "    "))
    example = entry.smoke.for_entrypoint(info.name).input
    if example is not None and result.output_shape is not None:
        lines.append(f">>> output = model({example_tensor(example)})")
        lines.append(">>> output.shape, output.dtype  # of its first tensor, when it returns several")
        lines.append(f"(torch.Size({result.output_shape}), torch.{result.output_dtype or 'float32'})")
    return "\n".join(lines) + "\n"


def example_tensor(example: SmokeInput) -> str:
    """The Python expression for random input of the example's shape and dtype."""
    shape = ", ".join(str(n) for n in example.shape)
    if example.dtype == "int64":
        return f"torch.randint(0, {example.high}, ({shape},))"
    suffix = "" if example.dtype == "float32" else f", dtype=torch.{example.dtype}"
    return f"torch.randn({shape}{suffix})"
