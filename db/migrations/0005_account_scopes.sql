-- Entity scopes of accounts (an OPL's board): which part of the list a user or token may see.
-- NULL is the national scope (every entity); otherwise a comma-separated list of INEGI codes
-- in code order ("07,20"), as `domain::scope::Scope::to_list` writes it. Only viewers carry
-- one (`ops::users` refuses a scope on any other role).

ALTER TABLE users ADD COLUMN scope TEXT;
ALTER TABLE tokens ADD COLUMN scope TEXT;

-- PEPs of electors living in the United States by stage, entity and state (the address region,
-- a USPS code), kept exact by triggers like `stage_counts`: the map of states reads these few
-- hundred rows, whatever the size of the list (`storage::maps`).
CREATE TABLE us_state_counts (
    stage  TEXT NOT NULL,
    entity TEXT NOT NULL,
    region TEXT NOT NULL,                        -- '' when the address has none
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (stage, entity, region)
) STRICT, WITHOUT ROWID;

INSERT INTO us_state_counts (stage, entity, region, n)
SELECT p.stage, p.entity, coalesce(e.region, ''), count(*)
  FROM peps p JOIN electors e ON e.id = p.elector_id
 WHERE p.country = 'US' GROUP BY p.stage, p.entity, coalesce(e.region, '');

CREATE TRIGGER peps_us_state_counts_insert AFTER INSERT ON peps WHEN NEW.country = 'US'
BEGIN
    INSERT OR IGNORE INTO us_state_counts (stage, entity, region, n)
    SELECT NEW.stage, NEW.entity, coalesce(region, ''), 0 FROM electors WHERE id = NEW.elector_id;
    UPDATE us_state_counts SET n = n + 1
     WHERE stage = NEW.stage AND entity = NEW.entity
       AND region = (SELECT coalesce(region, '') FROM electors WHERE id = NEW.elector_id);
END;

CREATE TRIGGER peps_us_state_counts_update AFTER UPDATE OF stage, entity, country ON peps
WHEN (OLD.stage IS NOT NEW.stage OR OLD.entity IS NOT NEW.entity OR OLD.country IS NOT NEW.country)
 AND (OLD.country = 'US' OR NEW.country = 'US')
BEGIN
    UPDATE us_state_counts SET n = n - 1
     WHERE OLD.country = 'US' AND stage = OLD.stage AND entity = OLD.entity
       AND region = (SELECT coalesce(region, '') FROM electors WHERE id = OLD.elector_id);
    INSERT OR IGNORE INTO us_state_counts (stage, entity, region, n)
    SELECT NEW.stage, NEW.entity, coalesce(region, ''), 0 FROM electors
     WHERE id = NEW.elector_id AND NEW.country = 'US';
    UPDATE us_state_counts SET n = n + 1
     WHERE NEW.country = 'US' AND stage = NEW.stage AND entity = NEW.entity
       AND region = (SELECT coalesce(region, '') FROM electors WHERE id = NEW.elector_id);
END;

CREATE TRIGGER peps_us_state_counts_delete AFTER DELETE ON peps WHEN OLD.country = 'US'
BEGIN
    UPDATE us_state_counts SET n = n - 1
     WHERE stage = OLD.stage AND entity = OLD.entity
       AND region = (SELECT coalesce(region, '') FROM electors WHERE id = OLD.elector_id);
END;

-- An elector's address edited: their PEPs move from the old state to the new one.
CREATE TRIGGER electors_us_state_counts_region AFTER UPDATE OF region ON electors
WHEN OLD.region IS NOT NEW.region
BEGIN
    UPDATE us_state_counts SET n = n - (SELECT count(*) FROM peps p
            WHERE p.elector_id = NEW.id AND p.country = 'US' AND p.stage = us_state_counts.stage
              AND p.entity = us_state_counts.entity)
     WHERE region = coalesce(OLD.region, '');
    INSERT OR IGNORE INTO us_state_counts (stage, entity, region, n)
    SELECT DISTINCT p.stage, p.entity, coalesce(NEW.region, ''), 0 FROM peps p
     WHERE p.elector_id = NEW.id AND p.country = 'US';
    UPDATE us_state_counts SET n = n + (SELECT count(*) FROM peps p
            WHERE p.elector_id = NEW.id AND p.country = 'US' AND p.stage = us_state_counts.stage
              AND p.entity = us_state_counts.entity)
     WHERE region = coalesce(NEW.region, '');
END;
