"""Powertools logger, tracer and metrics shared by both functions.

Service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE, which template.yaml sets for every function; the
both fall back to defaults so that a missing variable never fails a request.
"""

import os

from aws_lambda_powertools import Logger, Metrics, Tracer

_SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "health-content-api")
logger = Logger(service=_SERVICE)
tracer = Tracer(service=_SERVICE)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "HealthContent"), service=_SERVICE)
