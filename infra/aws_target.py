"""Which stack or bucket the operator CLI works on, and what to tell the operator when AWS says no.

Every AWS or setup error becomes one or two plain lines naming the cause and the fix, with an
exit code of its own (docs/deploying.md, "Exit codes"); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOCAL_REGION = "us-east-1"


class ExitCode(IntEnum):
    OK = 0
    CONTENT = 1  # a document is invalid, rejected, or not served
    USAGE = 2  # the command line itself is wrong
    SETUP = 3  # credentials or region missing or refused
    NOT_FOUND = 4  # no such stack, bucket or article
    UNREACHABLE = 5  # AWS (or the local stack) could not be reached or failed
    PENDING = 6  # the ingest function gave no verdict in time


class OperatorError(Exception):
    """Something the operator can fix, said plainly."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# An operator waits a few seconds, not minutes: three attempts against AWS, one against a local stack
# (which is either running or not).
AWS_CONFIG = Config(connect_timeout=3, read_timeout=30, retries={"total_max_attempts": 3, "mode": "standard"})
LOCAL_CONFIG = Config(connect_timeout=2, read_timeout=30, retries={"total_max_attempts": 1, "mode": "standard"})


def _is_local(endpoint_url: str | None) -> bool:
    return bool(endpoint_url) and urlsplit(endpoint_url or "").hostname in LOCAL_HOSTS


@dataclass(frozen=True)
class Target:
    """A content bucket, reached through a boto3 session (the real AWS, or a local stack)."""

    session: Any
    bucket: str
    endpoint_url: str | None

    def client(self, service: str, connections: int | None = None) -> Any:
        return client(self.session, service, self.endpoint_url, connections)


def client(session: Any, service: str, endpoint_url: str | None, connections: int | None = None) -> Any:
    """A client with the operator's timeouts; ``connections`` for one that threads share (botocore keeps 10)."""
    config = LOCAL_CONFIG if _is_local(endpoint_url) else AWS_CONFIG
    if connections is not None:
        config = config.merge(Config(max_pool_connections=max(connections, 10)))
    return session.client(service, endpoint_url=endpoint_url, config=config)


def session_for(region: str | None, endpoint_url: str | None) -> Any:
    """A boto3 session; a local stack (moto on loopback) takes any credentials, so it gets dummy ones."""
    if _is_local(endpoint_url):
        probe = boto3.session.Session(region_name=region or LOCAL_REGION)
        if probe.get_credentials() is None:
            return boto3.session.Session(
                aws_access_key_id="local", aws_secret_access_key="local", region_name=region or LOCAL_REGION
            )
        return probe
    return boto3.session.Session(region_name=region)


def resolve(stack: str | None, bucket: str | None, region: str | None, endpoint_url: str | None) -> Target:
    if (stack is None) == (bucket is None):
        raise OperatorError(ExitCode.USAGE, "Give exactly one of --stack or --bucket.")
    session = session_for(region, endpoint_url)
    if bucket is not None:
        return Target(session, bucket, endpoint_url)
    return Target(session, stack_output(session, stack or "", "ContentBucketName", endpoint_url), endpoint_url)


def operator_identity(session: Any, endpoint_url: str | None) -> str:
    """Who is publishing, for the audit trail: the caller's ARN on AWS, the user's name on a local stack."""
    if _is_local(endpoint_url):
        return f"local:{getpass.getuser()}"
    return str(client(session, "sts", None).get_caller_identity()["Arn"])


def stack_output(session: Any, stack: str, name: str, endpoint_url: str | None) -> str:
    cloudformation = client(session, "cloudformation", endpoint_url)
    try:
        outputs = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    except ClientError as error:
        if "does not exist" in str(error):
            where = session.region_name or "your default region"
            raise OperatorError(
                ExitCode.NOT_FOUND, f"There is no stack {stack!r} in {where}. Check --stack and --region."
            ) from error
        raise
    for output in outputs:
        if output["OutputKey"] == name:
            return str(output["OutputValue"])
    raise OperatorError(ExitCode.NOT_FOUND, f"Stack {stack!r} has no output {name}; is it this project's stack?")


def explain(error: Exception, endpoint_url: str | None = None) -> OperatorError:
    """What an exception from boto3 means for the operator, in a line or two."""
    if isinstance(error, OperatorError):
        return error
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return OperatorError(
            ExitCode.SETUP,
            "No AWS credentials were found. Set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY);\n"
            "a local stack (--endpoint-url http://127.0.0.1:...) needs none.",
        )
    if isinstance(error, NoRegionError):
        return OperatorError(ExitCode.SETUP, "No AWS region is set. Pass --region or set AWS_DEFAULT_REGION.")
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        where = endpoint_url or "AWS"
        hint = " Is the local stack running (make serve)?" if endpoint_url else " Check your network and region."
        return OperatorError(ExitCode.UNREACHABLE, f"Could not reach {where}.{hint}")
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        message = str(error.response.get("Error", {}).get("Message", "")) or code
        bucket = str(error.response.get("Error", {}).get("BucketName", "")) or "the content bucket"
        if code == "NoSuchBucket" or (code == "404" and "bucket" in message.lower()):
            return OperatorError(ExitCode.NOT_FOUND, f"Bucket {bucket} does not exist. Check --bucket or --stack.")
        if code in {"AccessDenied", "AccessDeniedException", "ExpiredToken", "InvalidClientTokenId", "403"}:
            return OperatorError(
                ExitCode.SETUP,
                f"AWS refused the request ({code}). Check that your credentials are current and allowed.",
            )
        return OperatorError(ExitCode.UNREACHABLE, f"AWS answered {code}: {message}")
    if isinstance(error, BotoCoreError):
        return OperatorError(ExitCode.UNREACHABLE, f"The AWS client failed: {error}")
    if isinstance(error, OSError):
        return OperatorError(ExitCode.NOT_FOUND, f"{error.strerror or error}: {error.filename or ''}".strip())
    raise error
