"""The pure core: roadmap definitions, agencies, progress, events and errors (stdlib + pydantic)."""
