"""The fuzz suite: quick property tests in CI, a long campaign on demand."""
