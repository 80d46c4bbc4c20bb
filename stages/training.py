"""Stage 7, train skills in the field: the last gate, starts when the steering team is formed.

Done when practitioners show mastery (every training item ticked); until then the trainer field-mentors monthly
(`field-mentoring-visit`) and keeps attending the unit and team meetings begun in `structure`.
"""

from stages.gate import GateStage

STAGE = GateStage(key="training", previous="improvement-team")
