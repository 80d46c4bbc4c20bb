"""Use cases: each loads what it needs through a unit of work, asks the pure core, and saves the result."""
