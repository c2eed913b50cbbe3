"""ECM QIP forms."""
