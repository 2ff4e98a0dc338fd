"""What CloudWatch Logs does with embedded-metric-format lines, for the local stack: put their metrics.

On AWS, a function's log lines in EMF become CloudWatch metrics without a call; locally, the
lines a handler printed are read back and sent to moto's CloudWatch with PutMetricData, so that
`content-api partners usage` has figures to read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any


def forward(lines: Iterable[str], cloudwatch: Any) -> int:
    """Put the metrics of every EMF line; how many data points were sent."""
    sent = 0
    for line in lines:
        try:
            document = json.loads(line)
        except ValueError:
            continue
        if not isinstance(document, dict) or "_aws" not in document:
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
