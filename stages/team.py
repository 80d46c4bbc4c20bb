"""Stage 4, build the IPS team: starts when consensus is built.

Done when staff are chosen for the qualities IPS needs, with VR's input and clear job expectations (every team
item ticked).
"""

from stages.gate import GateStage

STAGE = GateStage(key="team", previous="consensus")
