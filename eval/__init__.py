"""Evaluation: datasets, metrics (small pure functions), the harness and its reports."""
