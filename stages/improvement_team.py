"""Stage 6, form the performance improvement (steering) team: starts when the program is structured.

Done when the team is formed and has met; from its start the team meets on the `steering-meeting` routine
(quarterly until the latest review reaches good fidelity, then twice a year), for as long as the program runs.
"""

from stages.gate import GateStage

STAGE = GateStage(key="improvement-team", previous="structure")
