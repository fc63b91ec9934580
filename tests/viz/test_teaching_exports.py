"""Exports (CSV, JSON, GIF, runnable PyTorch code) and the PyTorch check, as pure functions."""
import base64
import csv
import io
import json
import subprocess
import sys

import numpy as np
import optimizers
import surfaces
from dash import Patch, no_update

from viz import ids, presets, torch_check, torch_code, urlstate
from viz.callbacks.teaching import current_config, download_response, torch_response
from viz.exports import export, to_csv, to_json
from viz.figures import TORCH_TRACE
from viz.scene import compute


def decode(query):
    config, notices = urlstate.decode(query)
    assert notices == []
    return config


# One scene per feature of the exported script: schedules (torch, course, formula, sequential, plateau),
# the course's own optimizers, noise (Gaussian, minibatches with a growing batch), custom formulas,
# surface parameters. Each is run as a real script by the venv's python.
SCRIPTS = [
    "?" + presets.get("momentum-notations").query,
    "?" + presets.get("batch-size").query,
    "?" + presets.get("newton").query,
    "?surface=custom&f=sin(x)*cos(y)%20%2B%200.1*(x**2%20%2B%20y**2)%20%2B%20max(x,%20y)&bounds=-4,4,-4,4"
    "&start=2,1&steps=150&run=Adam:lr=0.05&run=Lion:lr=0.01,weight_decay=0.01"
    "&schedule=CosineAnnealingWarmRestarts:T_0=50,T_mult=2",
    "?surface=quadratic&sp=kappa=30,angle=25&steps=150&run=RMSprop:lr=0.01,centered=1,momentum=0.5"
    "&run=LocalGains:lr=0.005&schedule=ReduceLROnPlateau:patience=3,factor=0.5",
    "?surface=booth&steps=150&sigma=0.5&seed=3&run=SGD:lr=0.02,nesterov=1,momentum=0.5&run=NAdam:lr=0.05"
    "&schedule=WarmupCosine:warmup_steps=20,T_max=120",
    "?surface=rosenbrock&sp=a=1.5,b=50&steps=150&run=RAdam:lr=0.01&run=ASGD:lr=0.001&run=Adafactor:lr=0.01"
    "&run=SWATS:lr=0.01&schedule=SequentialLR",
    # SWATS: one run switches to SGD at step 15, before the lr halves (its SGD phase scales by
    # η/η_switch); the other stays with Adam.
    "?surface=ravine&steps=150&run=SWATS:lr=0.1,switch_tol=0.0001&run=SWATS:lr=0.01,switch_tol=0.000001"
    "&schedule=StepLR:step_size=60,gamma=0.5",
    "?surface=himmelblau&steps=150&run=Adadelta:lr=1&run=Rprop:lr=0.01&run=AdamW:lr=0.01,amsgrad=1"
    "&run=Adamax:lr=0.02&run=Adagrad:lr=0.1&schedule=LambdaLR:lr_lambda=1/(1%2B0.01*t)",
]


# Runs every exported script in one subprocess (torch's import dominates), each as __main__ with --json.
DRIVER = """
import contextlib, io, json, runpy, sys
out = []
for path in sys.argv[1:]:
    sys.argv = [path, "--json"]
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        runpy.run_path(path, run_name="__main__")
    out.append(json.loads(buffer.getvalue()))
print(json.dumps(out))
"""


def test_the_exported_pytorch_code_reproduces_the_app(tmp_path):
    configs = [decode(q) for q in SCRIPTS]
    files = []
    for i, (query, config) in enumerate(zip(SCRIPTS, configs)):
        files.append(tmp_path / f"exported_{i}.py")
        files[-1].write_text(torch_code.script(config, query))
    out = subprocess.run([sys.executable, "-c", DRIVER, *map(str, files)], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    for query, config, got in zip(SCRIPTS, configs, json.loads(out.stdout)):
        for r in compute(config).results:
            if r.label not in got:
                assert r.error, (query, r.label)              # only invalid runs are left out
                continue
            end = r.diverged_at if r.diverged_at >= 0 else len(r.path)
            np.testing.assert_allclose(np.array(got[r.label])[:end], r.path[:end], rtol=1e-9, atol=1e-9,
                                       err_msg=f"{query}: {r.label}")
    # On its own, as a student would run it: prints the final points.
    plain = subprocess.run([sys.executable, str(files[0])], capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0 and "SGD: (" in plain.stdout and "after 100 steps" in plain.stdout


def test_every_builtin_surface_has_a_torch_formula():
    import surfaces

    assert set(torch_code.SURFACES) == set(surfaces.names())


def test_csv_and_json_hold_every_step():
    config = decode("?surface=ravine&start=10,1&steps=30&run=SGD:lr=0.1&run=SGD:lr=0.5")   # #2 diverges
    scene = compute(config)
    rows = list(csv.DictReader(io.StringIO(to_csv(scene))))
    assert len(rows) == 2 * 31 and rows[1] == {"run": "SGD #1", "step": "1", "x": "8.0", "y": "-1.0",
                                               "loss": "74.0", "lr": "0.1"}
    assert rows[-1]["x"] == "" and rows[-1]["lr"] == ""            # past the divergence; no lr after the last step
    doc = json.loads(to_json(config, scene))                       # strict JSON: no NaN
    assert doc["link"] == urlstate.encode(config) and doc["runs"][1]["diverged_at"] is not None
    assert doc["runs"][0]["path"][1] == [8.0, -1.0] and doc["runs"][0]["hyperparameters"]["lr"] == 0.1


def test_the_gif_is_a_small_animation():
    from PIL import Image

    payload, notice = export("gif", decode("?" + presets.get("schedules").query))
    assert notice == ""
    data = base64.b64decode(payload["content"])
    image = Image.open(io.BytesIO(data))
    assert payload["filename"].endswith(".gif") and image.format == "GIF"
    assert 20 <= image.n_frames <= 60 and max(image.size) <= 400
    assert len(data) < 800_000


def test_download_callback_validates_its_trigger():
    assert download_response("junk", None) == (no_update, no_update)
    assert download_response(None, {"search": "?surface=ravine&run=SGD"}) == (no_update, no_update)
    payload, notice = download_response(ids.EXPORT_CSV, "garbage")
    assert payload["filename"] == "trajectories.csv" and notice == ""
    payload, notice = download_response(ids.EXPORT_TORCH, {"search": "?" + presets.get("ravine").query})
    assert "torch.optim" in payload["content"] and notice == ""
    assert current_config({"search": "?" + "x" * 9000}).runs      # junk → the default scene


def test_torch_check_equals_the_engine():
    config = decode("?" + presets.get("momentum-notations").query)
    paths = torch_check.torch_paths(config)
    results = {r.run_id: r for r in compute(config).results}
    assert list(paths) == [config.runs[0].id]                     # SGD only: torch has no classical Momentum
    np.testing.assert_allclose(paths[config.runs[0].id], results[config.runs[0].id].path, atol=1e-12)
    batch = decode("?" + presets.get("batch-size").query)         # the same minibatches as the engine
    for run_id, path in torch_check.torch_paths(batch).items():
        np.testing.assert_allclose(path, {r.run_id: r for r in compute(batch).results}[run_id].path, atol=1e-12)


def test_torch_overlay_patch():
    patch, notice = torch_response(["on"], {"search": "?" + presets.get("ravine").query})
    assert isinstance(patch, Patch) and notice == ""
    op = patch.to_plotly_json()["operations"][0]
    assert op["location"] == ["data", TORCH_TRACE]
    trace = op["params"]["value"]
    assert trace["x"][:3] == [10.0, 8.0, 6.4] and trace["x"].count(None) == 2
    off = torch_response([], None)[0].to_plotly_json()["operations"][0]["params"]["value"]
    assert off["x"] == [] and torch_response("junk", 5) is not None


def test_the_exported_swats_scene_switches_phase():
    """The SWATS scene above exercises both phases and the lr's change after a switch."""
    surface = surfaces.get("ravine")
    for lr, tol, step in ((0.1, 1e-4, 15), (0.01, 1e-6, None)):
        opt = optimizers.get("SWATS", lr=lr, switch_tol=tol)
        params = np.array([surface.start])
        state = opt.init(params)
        switched_at = None
        for t in range(150):
            rate = lr * 0.5 ** (t // 60)
            params, state = opt.update(surface.grad(params), state, params, rate)
            if switched_at is None and state.switched[0, 0]:
                switched_at = t
        assert switched_at == step, (lr, tol, switched_at)
