"""ECM QIP writes."""
