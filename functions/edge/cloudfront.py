"""The edge cache: CloudFront invalidations of one distribution."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class InvalidationsBusy(Exception):
    """CloudFront has as many invalidations in progress as it allows; try again once some are done."""


class EdgeCache:
    def __init__(self, client: Any, distribution_id: str) -> None:
        self._client = client
        self._distribution_id = distribution_id

    def invalidate(self, paths: list[str], reference: str) -> str:
        """Start purging ``paths``; the invalidation's id. Raises ``InvalidationsBusy`` when CloudFront's limit of
        invalidations in progress is reached, and any other refusal as it comes."""
        try:
            response = self._client.create_invalidation(
                DistributionId=self._distribution_id,
                InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": reference},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "TooManyInvalidationsInProgress":
                raise InvalidationsBusy(str(error)) from error
            raise
        return str(response["Invalidation"]["Id"])
