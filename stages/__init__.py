"""Pure per-stage logic: when each roadmap stage may start and what counts as done, keyed by stage key."""

from stages.registry import REGISTRY, logic_for

__all__ = ["REGISTRY", "logic_for"]
