"""Time: the working-day calendar, when each scheduled run is due, and what the tick sends (check-ins, nudges, digests, bulletins, quarterly summaries, escalations, milestones)."""
