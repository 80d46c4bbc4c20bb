"""ips-roadmap: every agency's progress along the IPS supported-employment implementation roadmap."""

__version__ = "0.1.0"
