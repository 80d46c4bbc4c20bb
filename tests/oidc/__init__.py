"""A real OpenID Connect provider (Node.js oidc-provider) for the web sign-in tests: see README.md and server.py."""
