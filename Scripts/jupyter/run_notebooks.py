"""Executes the notebooks in Docs/notebooks headless with nbclient on the `red` kernel and writes
their outputs back (or, with --check, only checks that no cell fails). See Scripts/run-notebooks."""

import argparse
import glob
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="execute, but leave the files unchanged")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("notebooks", nargs="*", help="default: Docs/notebooks/*.ipynb")
    args = parser.parse_args()
    paths = args.notebooks or sorted(glob.glob(os.path.join(ROOT, "Docs", "notebooks", "*.ipynb")))
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        start = time.monotonic()
        # the kernel runs in the notebook's folder, as when Jupyter opens it
        client = NotebookClient(nb, kernel_name="red", timeout=args.timeout, record_timing=False,
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        try:
            client.execute()
        except CellExecutionError as e:
            failed.append(path)
            print(f"run-notebooks: {path}: a cell failed:\n{e}", file=sys.stderr)
            continue
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            failed.append(path)
            print(f"run-notebooks: {path}: {len(errors)} error output(s)", file=sys.stderr)
            continue
        if not args.check:
            nbformat.write(nb, path)
        print(f"run-notebooks: {os.path.relpath(path, ROOT)} ok ({time.monotonic() - start:.1f} s)"
              + ("" if args.check else ", outputs written"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
