"""A secret in AWS Secrets Manager, read through Powertools' parameters utility (the preview tokens' key)."""

from __future__ import annotations

from typing import Any

from health_content.errors import ContentUnavailable


class ManagedSecret:
    """The value of one secret, read when called (``PreviewTokens`` calls it once per container).

    ``client`` is a Secrets Manager client with the function's timeouts and retries."""

    def __init__(self, secret_id: str, client: Any) -> None:
        self._secret_id = secret_id
        self._client = client

    def __call__(self) -> str:
        # Powertools' parameters pull in their providers' modules: only a container that checks a token pays it.
        from aws_lambda_powertools.utilities.parameters import GetParameterError, SecretsProvider

        try:
            value = SecretsProvider(boto3_client=self._client).get(self._secret_id)
        except GetParameterError as error:
            raise ContentUnavailable("The preview secret cannot be read right now.") from error
        if not isinstance(value, str) or not value:
            raise ContentUnavailable("The preview secret is empty or not text.")
        return value
