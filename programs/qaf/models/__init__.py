"""QAF tables."""
