"""ECM QIP tables."""
