"""Prefect flows (issue 4): the only package that imports prefect. Nothing here yet."""
