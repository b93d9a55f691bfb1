"""The broker fixtures live in tests/kafka_fixtures.py (shared with tests/e2e)."""
