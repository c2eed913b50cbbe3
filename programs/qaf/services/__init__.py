"""QAF writes."""
