"""What the bot reports: the board and paged queries, the ledger, task histories, dossiers, the rectification report, charts, grades."""
