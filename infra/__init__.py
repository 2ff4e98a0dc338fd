"""Operator and developer tooling: local runner, publishing CLI, generated artefacts. Not deployed."""
