"""An article's medical review as responses show it."""

from __future__ import annotations

import datetime as dt

from api.models.common import ReviewOut
from health_content.articles.model import Review


def review_out(review: Review, today: dt.date) -> ReviewOut:
    return ReviewOut(
        status=review.status(today),
        reviewed_at=review.reviewed_at,
        reviewed_by=review.reviewed_by,
        next_review=review.next_review,
    )
