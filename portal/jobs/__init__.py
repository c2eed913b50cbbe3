"""Long jobs of every app (imports, computations, payment runs): one row each, run by Celery
through one task, recovered from the rows when a worker dies (docs/operations.md)."""
