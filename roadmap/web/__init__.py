"""The web app: server-rendered pages and a JSON API over the same use cases as the CLI (the only FastAPI user)."""
