"""Reminders (issue 5): messages, rendering, apprise delivery and the outbox. Nothing here yet."""
