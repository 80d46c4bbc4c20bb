"""ips-roadmap: every agency's progress along the IPS supported-employment implementation roadmap."""

import os

__version__ = "0.1.0"

# pydantic looks through every installed package's entry points for plugins when it builds its first model: 20 to
# 40 ms of each command's start-up, for plugins this product does not use. A setting of the user's own wins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
