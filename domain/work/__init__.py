"""A measure's life: its status rules, progress reports (one or several measures per message), prompts, review and sign-off, extensions, reassignment, look-back."""
