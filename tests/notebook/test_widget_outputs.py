"""Widgets in a saved notebook: each output carries the widget view plus text/plain and
text/html that are identical from run to run (nbval compares those and skips the random
widget id), so notebooks with widgets stay testable and render on GitHub."""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

REPO = Path(__file__).resolve().parents[2]
WIDGET = "application/vnd.jupyter.widget-view+json"
CELLS = [
    "%load_ext telenb\nimport telenb\nfrom telenb.audio import generate_dtmf\n"
    "carrier = telenb.Carrier(seed=4)\n"
    "carrier.app('+15550100', lambda call: call.ask('Colour?', choices='red, blue'))\n"
    "carrier.call('+15550100', caller='say: blue').status",
    "%tel phone +15550100",
    "%tel log",
    "generate_dtmf('73', rate=8000).pad(0.2, 0.2).save('keys.wav')\n%inspect keys.wav",
]


def execute(tmp_path: Path) -> list[dict]:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    resources = {"metadata": {"path": str(tmp_path)}}
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources).execute()
    return [cell.outputs[-1]["data"] for cell in nb.cells]


def test_widget_outputs_are_deterministic_apart_from_the_widget_id(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    first, second = execute(tmp_path), execute(tmp_path)
    for cell, (a, b) in enumerate(zip(first[1:], second[1:], strict=True), 1):
        assert WIDGET in a and a[WIDGET]["model_id"] != b[WIDGET]["model_id"], cell
        assert a["text/plain"] == b["text/plain"] and a["text/html"] == b["text/html"], cell
    phone, log, inspector = first[1:]
    assert phone["text/plain"] == "<telenb Phone: +15550100 (text fidelity)>"
    assert "completed" in log["text/plain"] and "<table" in log["text/html"]
    assert "DTMF: 73" in inspector["text/plain"]
