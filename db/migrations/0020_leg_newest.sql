-- A national campaign (issue 12), continued: a leg's newest stored event with a known status
-- is kept on the leg, by a trigger on every stored event, instead of being looked up per push
-- and per polled leg (a random page of the events table, the largest in a campaign).

ALTER TABLE legs ADD COLUMN newest_at TEXT;    -- the newest stored event not 'unknown'

UPDATE legs
   SET newest_at = (SELECT max(e.at) FROM leg_events e
                     WHERE e.leg = legs.id AND e.status != 'unknown');

CREATE TRIGGER leg_events_newest AFTER INSERT ON leg_events
 WHEN NEW.status != 'unknown'
BEGIN
    UPDATE legs SET newest_at = NEW.at
     WHERE id = NEW.leg AND (newest_at IS NULL OR newest_at < NEW.at);
END;
