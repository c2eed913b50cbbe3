"""ECM QIP pages."""
