"""QAF writes: keyword-only functions, one transaction, an audit event each."""
