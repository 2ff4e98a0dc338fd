"""The review-check Lambda: once a day, counts the published articles past their next medical review."""
