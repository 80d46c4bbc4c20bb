"""Stage 2, secure leadership commitment: starts when readiness is complete.

Done when every commitment item is ticked (a named implementation lead, leaders at the training, a VR liaison,
the fee-schedule questions); open items fall due when the stage's norm runs out.
"""

from stages.gate import GateStage

STAGE = GateStage(key="commitment", previous="readiness")
