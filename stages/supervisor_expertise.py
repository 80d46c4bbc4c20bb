"""Stage 10, build supervisor expertise: ongoing from launch.

Never completes; the agency's IPS supervisor attends the `supervisor-meeting` routine, the statewide
supervisor meeting held quarterly.
"""

from stages.ongoing import OngoingStage

STAGE = OngoingStage(key="supervisor-expertise")
