"""Operations: health and readiness probes, JSON logs with request context, backup/restore."""
