"""The Python code of python/README.md runs as shown, in order, in one namespace."""
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_the_readmes_python_blocks_run():
    blocks = re.findall(r"^```python\n(.*?)^```$", README.read_text(), re.M | re.S)
    assert len(blocks) >= 2
    namespace = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102  (our own README)
    assert namespace["W"].grad.shape == (3, 2)  # the first block's dL/dW_out
    assert namespace["y"].shape == (1, 2)       # the second block's SiLU output
