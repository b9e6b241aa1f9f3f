"""Getting messages out and updates in: the outbox, retry and give-up rules, unreachable people, the durable inbox."""
