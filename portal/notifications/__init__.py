"""The notification engine behind every reminder: kinds, scheduling, sweeping, inbox.

Other apps schedule reminders with ``portal.notifications.services.schedule_notice`` in the
transaction of the event that sets the clock, and may register their own recipient resolvers
or daily producers (``kinds.set_recipients``, ``reminders.register_daily_producer``) from
their ``AppConfig.ready`` so imports keep pointing one way (disputes -> payments -> portal).
"""
