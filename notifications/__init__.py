"""Reminders: messages (pure: reminders -> Message), and delivery (the only apprise import)."""
