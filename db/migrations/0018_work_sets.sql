-- A national campaign (issue 12), continued: the batched PEPs still waiting for guías and the
-- delivered return envelopes still waiting for a check-in are sets kept by triggers, so
-- asking for them costs what is found instead of a probe of every batched or returning PEP
-- on each pass (the drill asks on every turn).

-- Batched, unvoided PEPs without any leg: filled when a PEP joins a batch, emptied when its
-- first leg is written, when it is voided or leaves its batch. (Legs are never deleted on
-- their own: only with their PEP, which takes its row here with it.)
CREATE TABLE guia_wanted (
    pep INTEGER PRIMARY KEY REFERENCES peps(id) ON DELETE CASCADE
) STRICT;

INSERT INTO guia_wanted (pep)
SELECT p.id FROM peps p
 WHERE p.voided_at IS NULL AND p.batch_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.pep = p.id);

CREATE TRIGGER peps_guia_wanted AFTER UPDATE OF batch_id ON peps
 WHEN NEW.batch_id IS NOT NULL AND NEW.voided_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM legs l WHERE l.pep = NEW.id)
BEGIN
    INSERT OR IGNORE INTO guia_wanted (pep) VALUES (NEW.id);
END;

CREATE TRIGGER peps_guia_wanted_new AFTER INSERT ON peps
 WHEN NEW.batch_id IS NOT NULL AND NEW.voided_at IS NULL
BEGIN
    INSERT OR IGNORE INTO guia_wanted (pep) VALUES (NEW.id);
END;

CREATE TRIGGER peps_guia_unbatched AFTER UPDATE OF batch_id ON peps
 WHEN NEW.batch_id IS NULL
BEGIN
    DELETE FROM guia_wanted WHERE pep = NEW.id;
END;

-- A voided PEP wants neither guías nor a check-in.
CREATE TRIGGER peps_wanted_voided AFTER UPDATE OF voided_at ON peps
 WHEN NEW.voided_at IS NOT NULL
BEGIN
    DELETE FROM guia_wanted WHERE pep = NEW.id;
    DELETE FROM checkin_wanted WHERE pep = NEW.id;
END;

CREATE TRIGGER legs_guia_given AFTER INSERT ON legs
BEGIN
    DELETE FROM guia_wanted WHERE pep = NEW.pep;
END;

-- Return envelopes the carrier delivered to INE that have no check-in yet (the reception's
-- "delivered, not scanned"): filled when a return leg becomes (or is written) delivered,
-- emptied by the PEP's check-in, by voiding it (`peps_wanted_voided` above), or when the leg
-- is delivered no more (its number changed). SQLite triggers fire on one event each, so the
-- insert and the update of a leg repeat the same body.
CREATE TABLE checkin_wanted (
    pep INTEGER PRIMARY KEY REFERENCES peps(id) ON DELETE CASCADE
) STRICT;

INSERT INTO checkin_wanted (pep)
SELECT l.pep FROM legs l JOIN peps p ON p.id = l.pep
 WHERE l.direction = 'return' AND l.status = 'delivered' AND p.voided_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = l.pep);

CREATE TRIGGER legs_checkin_wanted AFTER UPDATE OF status ON legs
 WHEN NEW.direction = 'return' AND NEW.status = 'delivered' AND OLD.status != 'delivered'
BEGIN
    INSERT OR IGNORE INTO checkin_wanted (pep)
    SELECT NEW.pep WHERE NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = NEW.pep)
      AND EXISTS (SELECT 1 FROM peps p WHERE p.id = NEW.pep AND p.voided_at IS NULL);
END;

CREATE TRIGGER legs_checkin_wanted_new AFTER INSERT ON legs
 WHEN NEW.direction = 'return' AND NEW.status = 'delivered'
BEGIN
    INSERT OR IGNORE INTO checkin_wanted (pep)
    SELECT NEW.pep WHERE NOT EXISTS (SELECT 1 FROM checkins c WHERE c.pep = NEW.pep)
      AND EXISTS (SELECT 1 FROM peps p WHERE p.id = NEW.pep AND p.voided_at IS NULL);
END;

CREATE TRIGGER legs_checkin_unwanted AFTER UPDATE OF status ON legs
 WHEN NEW.direction = 'return' AND NEW.status != 'delivered' AND OLD.status = 'delivered'
BEGIN
    DELETE FROM checkin_wanted WHERE pep = NEW.pep;
END;

CREATE TRIGGER checkins_checkin_done AFTER INSERT ON checkins
BEGIN
    DELETE FROM checkin_wanted WHERE pep = NEW.pep;
END;

-- `legs_delivered_at` (direction, status, status_at) serves every query that used this one.
DROP INDEX legs_direction_status;
