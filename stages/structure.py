"""Stage 5, structure the program: starts when the team is in place.

Done when operations, benefits planning, fee schedules, VR collaboration and record keeping are set up.
From its start until training completes, the trainer's attendance at vocational unit and treatment team
meetings is due (routines `vocational-unit-visit` and `treatment-team-visit` in routines.yaml).
"""

from stages.gate import GateStage

STAGE = GateStage(key="structure", previous="team")
