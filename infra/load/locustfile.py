"""Locust users sending the cost model's traffic mix (infra/cost/traffic.py) over the catalogue in the file
LOAD_CATALOGUE names (written by ``python -m infra.load``); each user draws its own reproducible stream."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from locust import HttpUser, constant, task

from infra.cost.traffic import Catalogue, Traffic

_CATALOGUE = Catalogue(**json.loads(Path(os.environ["LOAD_CATALOGUE"]).read_text(encoding="utf-8")))
_SEEDS = itertools.count(1)


class Reader(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.traffic = Traffic(_CATALOGUE, seed=next(_SEEDS))

    @task
    def read(self) -> None:
        kind, path = self.traffic.next()
        with self.client.get(path, name=kind, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
