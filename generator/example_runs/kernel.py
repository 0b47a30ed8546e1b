"""Execute a notebook with nbclient in a real IPython kernel of a chosen interpreter.

The kernel is described by a kernel spec written for the occasion, so the interpreter is exactly the
one asked for, whatever kernels the user has installed under the same name.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from nbformat.notebooknode import NotebookNode

KERNEL_NAME = "pinhub-python"


def run_notebook(notebook: NotebookNode, cwd: Path, env: dict[str, str], python: str, timeout: float) -> str:
    """Run every cell of `notebook` in place, stopping at the first error.

    Args:
        notebook: Executed in place: outputs (and the error, if any) are recorded in its cells.
        cwd: The kernel's working directory.
        env: The kernel's whole environment.
        python: The interpreter the kernel runs in (it must have ipykernel).
        timeout: Seconds each cell may run.

    Returns:
        '' when every cell ran, else what went wrong, in one paragraph.
    """
    # Imported here: Jupyter's client stack costs a third of a second, and most builds start no kernel.
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    with tempfile.TemporaryDirectory(prefix="pinhub-kernel-") as kernels:
        write_kernel_spec(Path(kernels), python)
        specs = KernelSpecManager(kernel_dirs=[kernels], ensure_native_kernel=False)
        manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
        client = NotebookClient(notebook, km=manager, timeout=int(timeout), resources={"metadata": {"path": str(cwd)}})
        log = cwd / "kernel.log"
        with log.open("wb") as sink:
            try:
                client.execute(env=env, stdout=sink, stderr=sink)
            except CellExecutionError as error:
                return f"{error.ename}: {error.evalue}"
            except (CellTimeoutError, DeadKernelError, RuntimeError) as error:
                tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                return f"{type(error).__name__}: {error}\n{tail}".strip()
    return ""


def write_kernel_spec(folder: Path, python: str, name: str = KERNEL_NAME) -> Path:
    """A kernel spec named `name` in `folder` that starts IPython in `python`; returns its directory."""
    spec_dir = folder / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python ({python})",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return spec_dir
