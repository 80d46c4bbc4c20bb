"""Stage 3, build consensus: starts when leaders have committed.

Done when briefings, materials, client access and stakeholder roles are settled (every consensus item ticked).
"""

from stages.gate import GateStage

STAGE = GateStage(key="consensus", previous="commitment")
