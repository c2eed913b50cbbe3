"""The project package and the core (docs/architecture.md). The Celery app is loaded by
PortalConfig.ready(), so importing a plain module of the core (e.g. portal.money) loads
neither Celery nor Django."""
