"""Synthetic data for load and benchmark runs, derived from the lifecycle table, the
clock rules and the dashboard counters (not part of the product's services)."""
