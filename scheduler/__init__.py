"""The rhythm: scheduled reminders, digests and the delivery outbox (issue 3)."""
