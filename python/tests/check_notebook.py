#!/usr/bin/env python3
"""check_notebook.py NOTEBOOK MODULE_DIR: the notebook runs top to bottom ("Restart & Run All")
on a fresh kernel with the module from MODULE_DIR, in an empty temporary folder (so it trains
its tiny decoder there: it finds no checkpoint), every cell without an error; and it is
committed without outputs. Exits 77 (ctest: Skipped) when nbclient or the python3 kernel is
missing."""
import json
import os
import shutil
import sys
import tempfile
import time

notebook_path, module_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
try:
    import nbformat
    from nbclient import NotebookClient
    from jupyter_client.kernelspec import KernelSpecManager
    KernelSpecManager().get_kernel_spec("python3")
except Exception as e:  # noqa: BLE001  (what is missing is named in the message)
    print("cannot run notebooks here (%s): skipped" % e)
    sys.exit(77)

with open(notebook_path, encoding="utf-8") as f:
    stored = json.load(f)
with_outputs = [i for i, c in enumerate(stored["cells"])
                if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
if with_outputs:
    sys.exit("%s: cells %s are committed with outputs (clear them)" % (notebook_path, with_outputs))

folder = tempfile.mkdtemp(prefix="tapegrad_notebook_")
try:
    copy = os.path.join(folder, os.path.basename(notebook_path))
    shutil.copy(notebook_path, copy)
    os.environ["TAPEGRAD_PYTHONPATH"] = module_dir
    nb = nbformat.read(copy, as_version=4)
    start = time.time()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": folder}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        sys.exit("%s: %d error outputs" % (notebook_path, len(errors)))
    print("%s: %d code cells ran in %.1f s without an error" %
          (os.path.basename(notebook_path), len(code), time.time() - start))
finally:
    shutil.rmtree(folder, ignore_errors=True)
