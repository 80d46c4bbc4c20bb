"""Stage 1, gauge readiness: the first gate, active from the day an agency joins the roadmap.

Done when every readiness item is ticked (the twelve leader questions are asked here). Each open item falls due
when the stage's norm runs out; an agency longer in it than the norm or its peers' median is stalled.
"""

from stages.gate import GateStage

STAGE = GateStage(key="readiness", previous=None)
