"""Stage 9, consult with agency leaders: ongoing from launch.

Never completes; state leaders meet the agency's leaders on the `leadership-consultation` routine (quarterly).
"""

from stages.ongoing import OngoingStage

STAGE = OngoingStage(key="consultation")
