"""The webhook delivery function: change events from the webhook queue, signed and POSTed to the partner."""
