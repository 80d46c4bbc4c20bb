"""The pure core: roadmap definitions, agencies and their progress, events and errors (stdlib + pydantic only)."""
