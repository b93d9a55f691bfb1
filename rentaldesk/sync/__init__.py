"""Kafka sync of branches and head office."""

import warnings

# kafka-python 3.0 reads its protocol schemas with importlib.resources.read_text/open_text, which
# warn (DeprecationWarning) on Python 3.11/3.12. Load it once here, quietly, before any module of
# the package uses it; nothing of it warns later.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="(read_text|open_text) is deprecated", category=DeprecationWarning)
    import kafka  # noqa: F401
