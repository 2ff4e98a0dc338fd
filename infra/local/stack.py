"""A local copy of the stack's storage on moto, built from template.yaml.

The bucket, the table and the ingest queue (with its failure queue) get the template's definitions, and the
bucket sends its notifications (drafts' included) to the queue as on AWS; the preview secret is a random value
of this stack's own. Where Lambda would poll the queue (moto cannot run
Lambda functions without Docker), ``deliver_events`` hands the queued messages to the real ingest handler in
batches of the template's size, and deletes those the handler did not report as failed, as Lambda's event
source mapping does.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

import boto3

from health_content.storage.s3 import S3ContentSource
from infra import publish, template
from infra.local import moto_dispatch, moto_notifications, moto_queries, moto_queues, moto_transactions
from infra.local.events import LambdaContextStub

if TYPE_CHECKING:  # the stubs are a development dependency
    from mypy_boto3_s3.type_defs import QueueConfigurationTypeDef

    from health_content.publishing.report import PublishReport

IngestHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
WebhookHandler = IngestHandler


@dataclass(frozen=True)
class LocalWebhook:
    """The webhook's resources as the template makes them: its signing secret and its delivery queue."""

    secret_arn: str
    queue_url: str


@dataclass
class LocalStack:
    bucket: str
    table_name: str
    queue_url: str
    failure_queue_url: str
    event_bus: str
    events_queue_url: str | None
    api_id: str
    region: str = "us-east-1"
    webhook: LocalWebhook | None = None

    @classmethod
    def create(cls, bucket: str, table_name: str, region: str = "us-east-1", *, subscriber: bool = True) -> LocalStack:
        """The stack's storage and its change-event bus, named ``<table_name>-changes`` like the template's.

        ``subscriber``: a queue that receives what a partner's webhook would (``received_events``). Only
        tests read it; where nothing does (``make serve``, benchmarks), it is left out: it would keep every
        change event of a catalogue, unread, in memory."""
        # Where moto runs in this process (in-process mocks, `make serve`): transactions, queries and queue messages
        # that cost what they touch, not the table or the queue, the notification S3 sends for a delete marker, and
        # a server that does not list moto's package folder for each request.
        moto_transactions.install()
        moto_queries.install()
        moto_queues.install()
        moto_notifications.install()
        moto_dispatch.install()
        s3 = boto3.client("s3", region_name=region)
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration=template.bucket_versioning())
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=template.bucket_encryption())
        dynamodb = boto3.client("dynamodb", region_name=region)
        dynamodb.create_table(**template.table_definition(table_name))
        dynamodb.get_waiter("table_exists").wait(TableName=table_name)

        sqs = boto3.client("sqs", region_name=region)
        failure_queue_url = sqs.create_queue(QueueName=f"{bucket}-ingest-failures")["QueueUrl"]
        redrive = {
            "deadLetterTargetArn": _queue_arn(sqs, failure_queue_url),
            "maxReceiveCount": template.ingest_max_receive_count(),
        }
        queue_url = sqs.create_queue(
            QueueName=f"{bucket}-ingest-events",
            Attributes={
                "VisibilityTimeout": str(template.ingest_queue_visibility_timeout()),
                "RedrivePolicy": json.dumps(redrive),
            },
        )["QueueUrl"]
        queue_arn = _queue_arn(sqs, queue_url)
        s3.put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    _queue_configuration(queue_arn, notification) for notification in template.ingest_notifications()
                ]
            },
        )
        # A secret of this stack's own for preview tokens, as the template's (content-api preview-token reads it).
        boto3.client("secretsmanager", region_name=region).create_secret(
            Name=template.preview_secret_name(bucket), SecretString=secrets.token_urlsafe(48)
        )
        event_bus, events_queue_url = _event_bus(f"{table_name}-changes", region, subscriber=subscriber)
        _stack_outputs(table_name, bucket, region)
        return cls(
            bucket=bucket,
            table_name=table_name,
            queue_url=queue_url,
            failure_queue_url=failure_queue_url,
            event_bus=event_bus,
            events_queue_url=events_queue_url,
            api_id=_api_with_usage_plans(table_name, region),
            region=region,
        )

    def attach_webhook(self, signing_secrets: str) -> LocalWebhook:
        """The template's webhook resources on this stack: the signing secret (``signing_secrets``, whsec_...
        newest first), the delivery queue with its dead-letter queue, and the rule sending every change event to
        it. ``deliver_webhooks`` then plays the delivery function's event source mapping."""
        name = f"{self.table_name}-webhook"
        secret_arn: str = boto3.client("secretsmanager", region_name=self.region).create_secret(
            Name=f"{name}-signing", SecretString=signing_secrets
        )["ARN"]
        sqs = boto3.client("sqs", region_name=self.region)
        parked_url = sqs.create_queue(QueueName=f"{name}-failures")["QueueUrl"]
        queue = template.resource_properties("WebhookQueue")
        redrive = {
            "deadLetterTargetArn": _queue_arn(sqs, parked_url),
            "maxReceiveCount": queue["RedrivePolicy"]["maxReceiveCount"],
        }
        queue_url = sqs.create_queue(
            QueueName=f"{name}-deliveries",
            Attributes={"VisibilityTimeout": str(queue["VisibilityTimeout"]), "RedrivePolicy": json.dumps(redrive)},
        )["QueueUrl"]
        events = boto3.client("events", region_name=self.region)
        pattern = template.resource_properties("WebhookRule")["EventPattern"]
        events.put_rule(Name=name, EventBusName=self.event_bus, EventPattern=json.dumps(pattern))
        target = {"Id": "partner-webhook", "Arn": _queue_arn(sqs, queue_url)}
        events.put_targets(Rule=name, EventBusName=self.event_bus, Targets=[target])
        self.webhook = LocalWebhook(secret_arn, queue_url)
        return self.webhook

    def deliver_webhooks(self, deliver: WebhookHandler) -> int:
        """Hand ``deliver`` (the webhook delivery handler) what the webhook queue holds now, in batches of the
        template's size, and delete what it did not report as failed; returns how many were delivered. A failed
        one stays, hidden until the handler's retry is due, as on AWS."""
        if self.webhook is None:
            raise ValueError("this local stack has no webhook (attach_webhook)")
        sqs: Any = boto3.client("sqs", region_name=self.region)
        queue_arn = _queue_arn(sqs, self.webhook.queue_url)
        delivered = 0
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.webhook.queue_url,
                MaxNumberOfMessages=template.batch_size("WebhookDeliveryFunction"),
                MessageSystemAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                return delivered
            records = [self._sqs_record(message, queue_arn) for message in messages]
            response = deliver({"Records": records}, LambdaContextStub(function_name="WebhookDeliveryFunction"))
            failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures") or []}
            done = [record for record in records if record["messageId"] not in failed]
            if done:
                entries = [{"Id": str(n), "ReceiptHandle": r["receiptHandle"]} for n, r in enumerate(done)]
                sqs.delete_message_batch(QueueUrl=self.webhook.queue_url, Entries=entries)
            delivered += len(done)

    def received_events(self) -> list[dict[str, Any]]:
        """The change events the bus delivered so far (each once), as a subscriber receives them."""
        if self.events_queue_url is None:
            raise ValueError("this local stack was created without a subscriber")
        sqs = boto3.client("sqs", region_name=self.region)
        events: list[dict[str, Any]] = []
        while True:
            messages = sqs.receive_message(QueueUrl=self.events_queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return sorted(events, key=lambda event: int(event["detail"]["sequence"]))
            for message in messages:
                events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.events_queue_url, ReceiptHandle=message["ReceiptHandle"])

    def publish_content(self, ingest: IngestHandler) -> dict[str, PublishReport | None]:
        """Publish content/ as `content-api publish` does, a phase at a time, each phase's S3 events
        delivered to ``ingest`` before the next; returns each uploaded document's ingest report."""
        s3 = boto3.client("s3", region_name=self.region)
        reports: dict[str, PublishReport | None] = {}
        for phase in publish.phases(publish.collect()):
            uploads = publish.upload(s3, self.bucket, phase)
            self.deliver_events(ingest)
            reports.update(publish.wait_for_reports(s3, self.bucket, uploads, timeout=10))
        return reports

    def deliver_events(self, ingest: IngestHandler, wait_seconds: int = 0) -> list[dict[str, Any]]:
        """Hand ``ingest`` every message queued so far, in batches, as Lambda's event source mapping does.

        Returns, for each invocation, its partial batch response and ``results``: the ingest report of each
        document key its done messages named, as ``content-api`` reads them. A message the handler reported
        as failed stays in the queue, as does the whole batch when the handler raises (which this re-raises):
        the queue delivers them again after its visibility timeout, then keeps them in the failure queue."""
        sqs = boto3.client("sqs", region_name=self.region)
        queue_arn = _queue_arn(sqs, self.queue_url)
        results: list[dict[str, Any]] = []
        while True:
            messages = sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=template.ingest_batch_size(),
                WaitTimeSeconds=wait_seconds,
                MessageSystemAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                _forget_moto_copies()
                return results
            results.append(self._invoke(ingest, sqs, [self._sqs_record(m, queue_arn) for m in messages]))
            wait_seconds = 0

    def index_search(self) -> dict[str, Any]:
        """Run the scheduled search indexer once, as its schedule would (CONTENT_BUCKET_NAME names the bucket)."""
        from ingest.indexer import lambda_handler  # after the caller has set the environment

        result: dict[str, Any] = lambda_handler({}, LambdaContextStub(function_name="SearchIndexFunction"))
        return result

    def _invoke(self, ingest: IngestHandler, sqs: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
        response = ingest({"Records": records}, LambdaContextStub(function_name="IngestFunction"))
        failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures") or []}
        done = [record for record in records if record["messageId"] not in failed]
        if done:
            entries = [{"Id": str(n), "ReceiptHandle": r["receiptHandle"]} for n, r in enumerate(done)]
            sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
        source = S3ContentSource(boto3.client("s3", region_name=self.region), self.bucket)
        outcomes = []
        for key in (key for record in done for key in _keys(json.loads(record["body"]))):
            report = source.read_outcome(key)
            if report is not None:
                outcomes.append(
                    {"key": key, "status": report.status.value, "reasons": report.reasons, "warnings": report.warnings}
                )
        return {**response, "results": outcomes}

    def _sqs_record(self, message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
        """The record Lambda's event source mapping makes of a received message."""
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": self.region,
        }


def _keys(notification: dict[str, Any]) -> list[str]:
    """The document keys an S3 notification names (none in S3's s3:TestEvent)."""
    return [unquote_plus(record["s3"]["object"]["key"]) for record in notification.get("Records", [])]


def _queue_arn(sqs: Any, queue_url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def _forget_moto_copies() -> None:
    """Let go of the model instances moto keeps a list of (for its dashboard only), as its own reset does,
    for every service. Every instance moto makes stays in that list for good, copies included: each SQS message
    it hands out is a copy, and so was, before ``moto_transactions`` and ``moto_notifications``, a whole table
    for each transaction (150 publishes grew the process from 205 to 786 MB) and every object version each time
    the versions were listed (a 10,000-article publish passed 24 GB; issue 19). Harmless where moto runs
    elsewhere: the lists are then empty."""
    from moto.core.model_instances import model_data

    for models in model_data.values():
        for model in models.values():
            model.instances_tracked = []  # type: ignore[attr-defined]


def _stack_outputs(stack_name: str, bucket: str, region: str) -> None:
    """A CloudFormation stack named as the local stack (after its table), whose outputs name its bucket and table
    as the template's do, so that `content-api ... --stack` finds them as it does on AWS."""
    body = {
        "Resources": {"Outputs": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": f"/{stack_name}"}}},
        "Outputs": {"ContentBucketName": {"Value": bucket}, "ContentTableName": {"Value": stack_name}},
    }
    boto3.client("cloudformation", region_name=region).create_stack(StackName=stack_name, TemplateBody=json.dumps(body))


def _api_with_usage_plans(stack_name: str, region: str) -> str:
    """A REST API with a `local` stage and the template's usage plans, named as the template names them
    (the stack's name here is the table's), so that `content-api partners` works on the local stack."""
    apigateway = boto3.client("apigateway", region_name=region)
    api_id: str = apigateway.create_rest_api(name=f"{stack_name}-api")["id"]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    apigateway.put_method(restApiId=api_id, resourceId=root, httpMethod="ANY", authorizationType="NONE")
    apigateway.put_integration(restApiId=api_id, resourceId=root, httpMethod="ANY", type="MOCK")
    apigateway.create_deployment(restApiId=api_id, stageName="local")
    for plan in template.usage_plans(stack_name):
        apigateway.create_usage_plan(**plan, apiStages=[{"apiId": api_id, "stage": "local"}])
    return api_id


def _event_bus(name: str, region: str, *, subscriber: bool) -> tuple[str, str | None]:
    """The bus, and (with ``subscriber``) a queue subscribed to it by a rule with the template's webhook
    pattern (moto delivers to queues, not to API destinations): what a partner's webhook would receive."""
    events = boto3.client("events", region_name=region)
    events.create_event_bus(Name=name)
    if not subscriber:
        return name, None
    sqs = boto3.client("sqs", region_name=region)
    queue_url = sqs.create_queue(QueueName=f"{name}-subscriber")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    pattern = template.resource_properties("WebhookRule")["EventPattern"]
    events.put_rule(Name=f"{name}-subscriber", EventBusName=name, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=f"{name}-subscriber", EventBusName=name, Targets=[{"Id": "subscriber", "Arn": queue_arn}])
    return name, queue_url


def _queue_configuration(queue_arn: str, notification: dict[str, Any]) -> QueueConfigurationTypeDef:
    configuration: QueueConfigurationTypeDef = {"QueueArn": queue_arn, "Events": notification["Events"]}
    rules = ((notification.get("Filter") or {}).get("S3Key") or {}).get("Rules")
    if rules:
        configuration["Filter"] = {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}
    return configuration
