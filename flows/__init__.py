"""Prefect flows: the agency progression, the daily sweep, its served schedules. The only package importing prefect.

Import `flows.environment` and call `prepare()` before importing the flow modules: Prefect reads its settings once,
when it is first imported.
"""
