"""docs/cost.md is what `make cost` makes from the code: the prices, the traffic mix, the Cache-Control the API
sends today and the last `make load` run. Changing any of them without `make cost` fails here."""

from __future__ import annotations

import json
import subprocess
import sys

from infra.cost import model, report
from infra.template import REPO_ROOT


def test_docs_cost_md_is_what_make_cost_makes() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "infra.cost", "--check"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stderr


def test_the_recorded_load_run_measured_the_models_hit_ratio_within_ten_points() -> None:
    run = report.load_run()
    assert run is not None, "make load has not recorded a run in infra/cost/load_run.json"
    assert abs(run["proxy"]["hit_ratio"] - run["model_hit_ratio"]) <= 0.10
    assert run["direct"]["requests"] > 0 and run["proxy"]["requests"] > 0
    assert json.dumps(run)  # plain data, as the report reads it
    assert set(run["kinds"]) == {kind for kind in model.BILLED_MILLISECONDS}
