"""What CloudWatch Logs does with embedded-metric-format lines, for the local stack: put their metrics.

On AWS, a function's log lines in EMF become CloudWatch metrics without a call; locally, `make serve`
reads the lines its functions print (``MetricLogs`` in place of stdout) and sends their metrics to
moto's CloudWatch with PutMetricData, so that `content-api partners usage` has figures to read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import sys
import threading
from collections.abc import Iterable
from typing import Any, TextIO


def forward(lines: Iterable[str], cloudwatch: Any) -> int:
    """Put the metrics of every EMF line; how many data points were sent."""
    sent = 0
    for line in lines:
        document = _emf(line)
        if document is None:
            continue
        timestamp = dt.datetime.fromtimestamp(document["_aws"]["Timestamp"] / 1000, dt.UTC)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for dimension_set in directive["Dimensions"]:
                dimensions = [{"Name": name, "Value": str(document[name])} for name in dimension_set]
                data = []
                for metric in directive["Metrics"]:
                    values = document[metric["Name"]]
                    for value in values if isinstance(values, list) else [values]:
                        data.append(
                            {
                                "MetricName": metric["Name"],
                                "Dimensions": dimensions,
                                "Timestamp": timestamp,
                                "Value": float(value),
                                "Unit": metric.get("Unit", "None"),
                            }
                        )
                if data:
                    cloudwatch.put_metric_data(Namespace=directive["Namespace"], MetricData=data)
                    sent += len(data)
    return sent


def _emf(line: str) -> dict[str, Any] | None:
    if not line.startswith('{"_aws"'):  # Powertools writes the metadata first; anything else is a log line
        return None
    try:
        document = json.loads(line)
    except ValueError:
        return None
    return document if isinstance(document, dict) and "_aws" in document else None


class MetricLogs(io.TextIOBase):
    """The functions' stdout as CloudWatch Logs reads it: EMF lines become metrics, the rest is printed.

    The metrics are put by a thread of their own, so that a request never waits for them (nor does its
    time in the access log include them). Lines are gathered per thread: ``print`` writes a line and its
    end separately, and the server answers requests on several threads."""

    def __init__(self, out: TextIO, cloudwatch: Any) -> None:
        super().__init__()
        self._out = out
        self._cloudwatch = cloudwatch
        self._partial = threading.local()
        self._metrics: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._put_metrics, name="emf", daemon=True).start()

    def write(self, text: str) -> int:
        pending = getattr(self._partial, "text", "") + text
        *lines, self._partial.text = pending.split("\n")
        for line in lines:
            if _emf(line) is None:
                self._out.write(line + "\n")
            else:
                self._metrics.put(line)
        return len(text)

    def flush(self) -> None:
        self._out.flush()

    def drain(self) -> None:
        """Wait until every metric written so far is put."""
        self._metrics.join()

    def _put_metrics(self) -> None:
        while True:
            lines = [self._metrics.get()]
            while not self._metrics.empty():
                lines.append(self._metrics.get_nowait())
            try:
                forward(lines, self._cloudwatch)
            except Exception as error:  # keep serving; these figures are lost, as a failed log delivery would be
                print(f"usage metrics not stored: {error}", file=sys.stderr)
            finally:
                for _ in lines:
                    self._metrics.task_done()
