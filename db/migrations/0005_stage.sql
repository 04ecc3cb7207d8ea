-- The stage of each PEP (the rule is `domain::stage`; the application writes it in the same
-- transaction as the facts it comes from), the PEP's entity and country copied from its
-- elector at creation, and counts kept exact by triggers so that screens never scan the PEPs.

ALTER TABLE peps ADD COLUMN stage TEXT NOT NULL DEFAULT 'generated' CHECK (stage IN
    ('generated','batched','shipped','delivered','undeliverable','returning','received',
     'late','voided'));
ALTER TABLE peps ADD COLUMN entity TEXT NOT NULL DEFAULT '';
ALTER TABLE peps ADD COLUMN country TEXT NOT NULL DEFAULT '';

UPDATE peps SET entity = e.entity, country = e.country FROM electors e WHERE e.id = peps.elector_id;

-- Existing PEPs: the same precedence as `domain::stage::stage` (a test compares the two).
UPDATE peps SET stage = CASE
    WHEN (SELECT outcome FROM checkins c WHERE c.pep = peps.id) = 'accepted' THEN 'received'
    WHEN (SELECT outcome FROM checkins c WHERE c.pep = peps.id) = 'late' THEN 'late'
    WHEN voided_at IS NOT NULL THEN 'voided'
    WHEN (SELECT status FROM legs l WHERE l.pep = peps.id AND l.direction = 'return')
         = 'return_to_sender' THEN 'undeliverable'
    WHEN (SELECT status FROM legs l WHERE l.pep = peps.id AND l.direction = 'outbound')
         = 'return_to_sender' THEN 'undeliverable'
    WHEN (SELECT status FROM legs l WHERE l.pep = peps.id AND l.direction = 'return')
         IN ('in_transit','out_for_delivery','exception','delivered') THEN 'returning'
    WHEN (SELECT status FROM legs l WHERE l.pep = peps.id AND l.direction = 'outbound')
         = 'delivered' THEN 'delivered'
    WHEN (SELECT status FROM legs l WHERE l.pep = peps.id AND l.direction = 'outbound')
         IN ('in_transit','out_for_delivery','exception') THEN 'shipped'
    WHEN batch_id IS NOT NULL THEN 'batched'
    ELSE 'generated'
END;

CREATE TABLE stage_counts (
    stage   TEXT NOT NULL,
    entity  TEXT NOT NULL,
    country TEXT NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (stage, entity, country)
) STRICT, WITHOUT ROWID;

INSERT INTO stage_counts (stage, entity, country, n)
SELECT stage, entity, country, count(*) FROM peps GROUP BY stage, entity, country;

-- Whatever statement touches a PEP, its counts move with it, in the same transaction.
-- (INSERT OR IGNORE + UPDATE rather than an upsert: correct under any outer conflict policy.)
CREATE TRIGGER peps_stage_counts_insert AFTER INSERT ON peps
BEGIN
    INSERT OR IGNORE INTO stage_counts (stage, entity, country, n)
    VALUES (NEW.stage, NEW.entity, NEW.country, 0);
    UPDATE stage_counts SET n = n + 1
     WHERE stage = NEW.stage AND entity = NEW.entity AND country = NEW.country;
END;

CREATE TRIGGER peps_stage_counts_update AFTER UPDATE OF stage, entity, country ON peps
WHEN OLD.stage IS NOT NEW.stage OR OLD.entity IS NOT NEW.entity OR OLD.country IS NOT NEW.country
BEGIN
    UPDATE stage_counts SET n = n - 1
     WHERE stage = OLD.stage AND entity = OLD.entity AND country = OLD.country;
    INSERT OR IGNORE INTO stage_counts (stage, entity, country, n)
    VALUES (NEW.stage, NEW.entity, NEW.country, 0);
    UPDATE stage_counts SET n = n + 1
     WHERE stage = NEW.stage AND entity = NEW.entity AND country = NEW.country;
END;

CREATE TRIGGER peps_stage_counts_delete AFTER DELETE ON peps
BEGIN
    UPDATE stage_counts SET n = n - 1
     WHERE stage = OLD.stage AND entity = OLD.entity AND country = OLD.country;
END;

-- Envelopes received per UTC hour and outcome (screens fold the hours into local days of the
-- election's time zone), kept by triggers on checkins.
CREATE TABLE checkin_hours (
    hour    TEXT NOT NULL,                      -- 'YYYY-MM-DDTHH', UTC
    outcome TEXT NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (hour, outcome)
) STRICT, WITHOUT ROWID;

INSERT INTO checkin_hours (hour, outcome, n)
SELECT substr(received_at, 1, 13), outcome, count(*) FROM checkins GROUP BY 1, 2;

CREATE TRIGGER checkins_hours_insert AFTER INSERT ON checkins
BEGIN
    INSERT OR IGNORE INTO checkin_hours (hour, outcome, n)
    VALUES (substr(NEW.received_at, 1, 13), NEW.outcome, 0);
    UPDATE checkin_hours SET n = n + 1
     WHERE hour = substr(NEW.received_at, 1, 13) AND outcome = NEW.outcome;
END;

CREATE TRIGGER checkins_hours_update AFTER UPDATE OF received_at, outcome ON checkins
WHEN OLD.received_at IS NOT NEW.received_at OR OLD.outcome IS NOT NEW.outcome
BEGIN
    UPDATE checkin_hours SET n = n - 1
     WHERE hour = substr(OLD.received_at, 1, 13) AND outcome = OLD.outcome;
    INSERT OR IGNORE INTO checkin_hours (hour, outcome, n)
    VALUES (substr(NEW.received_at, 1, 13), NEW.outcome, 0);
    UPDATE checkin_hours SET n = n + 1
     WHERE hour = substr(NEW.received_at, 1, 13) AND outcome = NEW.outcome;
END;

CREATE TRIGGER checkins_hours_delete AFTER DELETE ON checkins
BEGIN
    UPDATE checkin_hours SET n = n - 1
     WHERE hour = substr(OLD.received_at, 1, 13) AND outcome = OLD.outcome;
END;
