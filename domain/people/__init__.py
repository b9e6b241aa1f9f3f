"""Who is who: accounts and invites, name matching, and which commands each role may use."""
