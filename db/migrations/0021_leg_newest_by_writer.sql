-- A national campaign (issue 12), continued: a leg's newest stored event with a known status is
-- written by the one statement that stores the leg's new state (`set_leg_state`), which runs
-- for every reply and push that stores an event, instead of by a trigger's extra UPDATE of the
-- leg per stored event. The value is the same: the newest `at` of the leg's stored events whose
-- status is not 'unknown'.

DROP TRIGGER leg_events_newest;
