"""The deterministic simulation of branches, head office and the broker (see harness.py)."""
