"""warroom test suite."""
