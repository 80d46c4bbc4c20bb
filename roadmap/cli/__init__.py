"""The `ips-roadmap` command line: parse, call the use cases, print a Rich table or one JSON document."""
