"""Read template.yaml, so that local stacks and tests build their resources from its definitions."""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cfnlint.decode.cfn_yaml import loads

if TYPE_CHECKING:  # the stubs are a development dependency
    from mypy_boto3_s3.type_defs import ServerSideEncryptionConfigurationTypeDef, VersioningConfigurationTypeDef

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = REPO_ROOT / "template.yaml"


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as plain data; intrinsic functions stay as {"Fn::...": ...} values."""
    # cfn-lint understands the short intrinsic tags (!Sub, !Ref); the round trip drops its node types.
    template: dict[str, Any] = json.loads(json.dumps(loads(path.read_text(encoding="utf-8"), str(path))))
    resolved: dict[str, Any] = _with_mappings_found(template, template.get("Mappings", {}))
    return resolved


def _with_mappings_found(node: Any, mappings: dict[str, Any]) -> Any:
    """``node`` with each Fn::FindInMap of literal keys replaced by its value, as CloudFormation will."""
    if isinstance(node, dict):
        found = node.get("Fn::FindInMap")
        if len(node) == 1 and isinstance(found, list) and all(isinstance(key, str) for key in found):
            name, top, second = found
            return mappings[name][top][second]
        return {key: _with_mappings_found(value, mappings) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_mappings_found(value, mappings) for value in node]
    return node


def resource_properties(logical_id: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    properties: dict[str, Any] = (template or load_template())["Resources"][logical_id]["Properties"]
    return properties


def gateway_response(response_type: str) -> dict[str, Any]:
    """One of the API's gateway responses (StatusCode, ResponseParameters, ResponseTemplates)."""
    response: dict[str, Any] = resource_properties("Api")["GatewayResponses"][response_type]
    return response


def service_name() -> str:
    """The service's name in logs, traces and metric dimensions (the template's Service mapping)."""
    return str(load_template()["Mappings"]["Service"]["Names"]["Service"])


def metrics_namespace() -> str:
    """The CloudWatch namespace the functions' metrics go to (the template's Service mapping)."""
    return str(load_template()["Mappings"]["Service"]["Names"]["MetricsNamespace"])


def function_variables(leaving_out: Collection[str] = ()) -> list[dict[str, Any]]:
    """The environment variables the template gives functions, as written: the Globals', then each function's
    own, but for the functions named in ``leaving_out``."""
    template = load_template()
    declared = [template["Globals"]["Function"].get("Environment", {}).get("Variables", {})]
    declared += [
        resource["Properties"].get("Environment", {}).get("Variables", {})
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function" and name not in leaving_out
    ]
    return declared


def function_environment(resources: dict[str, str], leaving_out: Collection[str] = ()) -> dict[str, str]:
    """Every environment variable the template gives a function (but those named in ``leaving_out``), with the
    parameters' defaults, and ``resources`` naming the resources a variable refers to (``!Ref ContentTable``).

    The local stack runs every function in one process, so one name must have one value for all of them."""
    defaults = {name: parameter.get("Default") for name, parameter in load_template()["Parameters"].items()}
    declared = function_variables(leaving_out)
    environment: dict[str, str] = {}
    for variables in declared:
        for name, value in variables.items():
            if isinstance(value, dict):
                [(function, argument)] = value.items()
                if function != "Ref":
                    raise ValueError(f"{name}: {function} is not played locally")
                value = defaults[argument] if argument in defaults else resources[argument]
            if environment.get(name, value) != value:
                raise ValueError(f"{name} is {environment[name]!r} for one function and {value!r} for another")
            environment[name] = str(value)
    return environment


def table_definition(table_name: str) -> dict[str, Any]:
    """CreateTable arguments for the serving index, taken from the ContentTable resource."""
    properties = resource_properties("ContentTable")
    definition: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties["BillingMode"],
    }
    for optional in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if optional in properties:
            definition[optional] = properties[optional]
    return definition


def bucket_versioning() -> VersioningConfigurationTypeDef:
    return cast("VersioningConfigurationTypeDef", dict(resource_properties("ContentBucket")["VersioningConfiguration"]))


def bucket_encryption() -> ServerSideEncryptionConfigurationTypeDef:
    """PutBucketEncryption's configuration, renamed from CloudFormation's spelling to the S3 API's."""
    rules = resource_properties("ContentBucket")["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    renamed = [
        {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
        | ({"BucketKeyEnabled": rule["BucketKeyEnabled"]} if "BucketKeyEnabled" in rule else {})
        for rule in rules
    ]
    return cast("ServerSideEncryptionConfigurationTypeDef", {"Rules": renamed})


def ingest_notifications() -> list[dict[str, Any]]:
    """The S3 events (event names and key filter) the content bucket sends to the ingest queue."""
    configurations = resource_properties("ContentBucket")["NotificationConfiguration"]["QueueConfigurations"]
    return [
        {"Events": [configuration["Event"]], "Filter": configuration.get("Filter")}
        for configuration in configurations
        if configuration["Queue"] == {"Fn::GetAtt": [INGEST_QUEUE, "Arn"]}
    ]


INGEST_QUEUE = "IngestQueue"


def ingest_queue_visibility_timeout() -> int:
    """Seconds a message handed to the ingest function stays invisible, so it is delivered again after that."""
    return int(resource_properties(INGEST_QUEUE)["VisibilityTimeout"])


def ingest_max_receive_count() -> int:
    """How many times the ingest queue delivers a message before its dead-letter queue keeps it."""
    return int(resource_properties(INGEST_QUEUE)["RedrivePolicy"]["maxReceiveCount"])


def ingest_batch_size() -> int:
    """How many queued notifications Lambda hands the ingest function at most per invocation."""
    return batch_size("IngestFunction")


def batch_size(function: str) -> int:
    """How many queued messages Lambda hands ``function`` at most per invocation (its SQS event's BatchSize)."""
    [source] = [
        event["Properties"] for event in resource_properties(function)["Events"].values() if event["Type"] == "SQS"
    ]
    return int(source["BatchSize"])


def keyless_paths() -> list[str]:
    """The API paths that never need a key, as API Gateway resource paths (``{proxy+}`` for the rest).

    CORS preflights (OPTIONS) never need one, anywhere; they are not counted here."""
    events = resource_properties("ApiFunction").get("Events", {})
    return [
        event["Properties"]["Path"]
        for event in events.values()
        if event["Type"] == "Api"
        and event["Properties"]["Method"] != "OPTIONS"
        and event["Properties"].get("Auth", {}).get("ApiKeyRequired") is False
    ]


def usage_plans(stack_name: str) -> list[dict[str, Any]]:
    """CreateUsagePlan arguments for each usage plan, with the parameters' defaults (no API stages yet)."""
    template = load_template()
    defaults = {name: parameter.get("Default") for name, parameter in template["Parameters"].items()}

    def value(field: Any) -> Any:
        return defaults[field["Ref"]] if isinstance(field, dict) and "Ref" in field else field

    plans = []
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::ApiGateway::UsagePlan":
            continue
        properties = resource["Properties"]
        throttle, quota = properties["Throttle"], properties["Quota"]
        plans.append(
            {
                "name": properties["UsagePlanName"]["Fn::Sub"].replace("${AWS::StackName}", stack_name),
                "description": properties.get("Description", ""),
                "throttle": {
                    "rateLimit": float(value(throttle["RateLimit"])),
                    "burstLimit": int(value(throttle["BurstLimit"])),
                },
                "quota": {"limit": int(value(quota["Limit"])), "period": quota["Period"]},
                "tags": {tag["Key"]: tag["Value"] for tag in properties.get("Tags", [])},
            }
        )
    return plans


def preview_secret_name(bucket: str) -> str:
    """The name of the secret that signs preview tokens on the stack whose content bucket is ``bucket``."""
    name = resource_properties("PreviewTokenSecret")["Name"]["Fn::Sub"]
    return str(name).replace("${ContentBucket}", bucket)


PSEUDO_PARAMETERS = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::StackName": "stack"}


def rendered(parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """The template as CloudFormation would deploy it with ``parameters`` (the rest at their defaults): every
    ``Fn::If`` resolved (AWS::LanguageExtensions, as SAM CLI runs it), and the resources and outputs whose
    condition is false left out. Other intrinsic functions stay as they are."""
    from samcli.lib.cfn_language_extensions.sam_integration import expand_language_extensions

    template = load_template()
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()} | (parameters or {})
    expanded: dict[str, Any] = expand_language_extensions(
        template, {**values, **PSEUDO_PARAMETERS}, enabled=True
    ).expanded_template
    conditions = expanded.get("Conditions", {})
    held: dict[str, bool] = {}

    def holds(name: str) -> bool:
        if name not in held:
            held[name] = bool(_evaluate(conditions[name], values, holds))
        return held[name]

    for section in ("Resources", "Outputs"):
        expanded[section] = {
            name: body
            for name, body in expanded.get(section, {}).items()
            if "Condition" not in body or holds(body["Condition"])
        }
    return expanded


def _evaluate(node: Any, values: dict[str, str], holds: Any) -> Any:
    """A condition's value: Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition and Ref of parameters."""
    if not isinstance(node, dict):
        return node
    [(function, argument)] = node.items()
    if function == "Ref":
        return values[argument]
    if function == "Condition":
        return holds(argument)
    operands = [_evaluate(operand, values, holds) for operand in argument]
    if function == "Fn::Equals":
        return str(operands[0]) == str(operands[1])
    if function == "Fn::Not":
        return not operands[0]
    if function == "Fn::And":
        return all(operands)
    if function == "Fn::Or":
        return any(operands)
    raise ValueError(f"{function} is not a condition function")
