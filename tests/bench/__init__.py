"""Benchmark of claims import + bed-day computation (`make bench`, not part of `make test`)."""
