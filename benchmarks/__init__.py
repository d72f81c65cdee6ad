"""The benchmark suite: `python -m benchmarks [--quick] [NAME ...]` (see the README)."""
