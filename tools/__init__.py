"""Tools for developers, not shipped in the wheel: the dev broker (a real single-node Apache Kafka from
Maven Central's jars), the sample day the screenshots are taken on. Run from the repository's root
(``python -m tools.devbroker``); tests and benchmarks import them from there."""
