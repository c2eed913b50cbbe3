"""ECM QIP reads."""
