-- The initial schema of pep-tracker: every table, index and trigger of a new database.
--
-- Later changes come as new numbered files beside this one (0002_…), applied in order by
-- `storage::schema`; a database records how far it has got in `PRAGMA user_version`.
--
-- Conventions:
-- - every table is STRICT; times are RFC 3339 text in UTC unless a comment says otherwise;
-- - a CHECK that limits a column to a few values is written as an OR-chain
--   (`col = 'a' OR col = 'b' OR …`), never as `col IN ('a', 'b', …)`: SQLite evaluates an
--   IN-list CHECK by building a temporary b-tree of the list each time it checks a row, that is
--   on every row written (3–5 µs each, measured on peps.stage, scans.outcome, legs.status),
--   while the OR-chain costs a few comparisons. Both accept and refuse exactly the same values
--   (storage::schema's tests hold the schema to this);
-- - counts that screens show are kept by triggers in the same transaction as the change, so
--   that no screen scans the list or the PEPs.


-- ---------------------------------------------------------------------------------------------
-- The election, the postal list (LNERE), users and sessions, the audit trail.

CREATE TABLE election (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    name                 TEXT NOT NULL,
    election_day         TEXT NOT NULL,          -- YYYY-MM-DD
    polls_open           TEXT NOT NULL,          -- HH:MM local
    timezone             TEXT NOT NULL,          -- IANA name
    receipt_cutoff       TEXT NOT NULL,          -- RFC 3339, UTC
    max_electors_per_mec INTEGER NOT NULL CHECK (max_electors_per_mec > 0),
    entities             TEXT NOT NULL,          -- JSON array of INEGI codes
    return_address       TEXT,                   -- JSON object or NULL
    updated_at           TEXT NOT NULL
) STRICT;

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    actor       TEXT NOT NULL
) STRICT;

CREATE TABLE electors (
    id               INTEGER PRIMARY KEY,
    elector_key      TEXT NOT NULL UNIQUE,
    given_names      TEXT NOT NULL,
    paternal_surname TEXT NOT NULL,
    maternal_surname TEXT,
    entity           TEXT NOT NULL,
    address_line1    TEXT NOT NULL,
    address_line2    TEXT,
    city             TEXT NOT NULL,
    region           TEXT,
    postal_code      TEXT NOT NULL,
    country          TEXT NOT NULL,
    email            TEXT,
    phone            TEXT,
    import_id        INTEGER NOT NULL REFERENCES imports(id),
    source_line      INTEGER NOT NULL,
    voted_at         TEXT                        -- the "votó" mark, set by an accepted check-in
) STRICT;

-- Electors per entity and country, kept in step with `electors` by the importer.
CREATE TABLE elector_counts (
    entity  TEXT NOT NULL,
    country TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (entity, country)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role = 'admin' OR role = 'shipping' OR
                  role = 'reception' OR role = 'sync' OR role = 'viewer'),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role = 'admin' OR role = 'shipping' OR
               role = 'reception' OR role = 'sync' OR role = 'viewer'),
    token_hash TEXT NOT NULL UNIQUE,             -- SHA-256 hex of the token
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT;

CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,                 -- SHA-256 hex of the cookie's session secret
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    before_digest TEXT,
    after_digest  TEXT,
    detail        TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
) STRICT;

-- The PEP page reads the audit records about one PEP (subject 'pep:PEP-…').
CREATE INDEX audit_log_subject ON audit_log (subject, seq);

-- The chain's last record, kept apart from the log so that a truncated log is detected.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Search by name: a full-text index of electors' names, accents and case folded
-- ("garcia" finds GARCÍA), holding no copy of the text (contentless), kept by triggers.
CREATE VIRTUAL TABLE elector_names USING fts5(
    name,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER electors_names_insert AFTER INSERT ON electors
BEGIN
    INSERT INTO elector_names (rowid, name)
    VALUES (NEW.id, NEW.given_names || ' ' || NEW.paternal_surname || ' '
                    || coalesce(NEW.maternal_surname, ''));
END;

CREATE TRIGGER electors_names_delete AFTER DELETE ON electors
BEGIN
    DELETE FROM elector_names WHERE rowid = OLD.id;
END;


-- ---------------------------------------------------------------------------------------------
-- PEPs, their return-envelope codes and stage, shipping batches.

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    entity     TEXT,                             -- filter used at creation, if any
    country    TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

-- `stage` is the rule of `domain::stage` applied to the PEP's facts; the application writes it
-- in the same transaction as the facts it comes from (`storage::stage::refresh_stage`).
-- `entity` and `country` are copied from the elector when the PEP is created.
CREATE TABLE peps (
    id          INTEGER PRIMARY KEY,
    pep_id      TEXT NOT NULL UNIQUE,            -- public id, e.g. PEP-0000123-1
    elector_id  INTEGER NOT NULL REFERENCES electors(id),
    generation  INTEGER NOT NULL CHECK (generation >= 1),
    code_id     INTEGER NOT NULL UNIQUE,         -- opaque random id inside the signed code
    voided_at   TEXT,                            -- set when a reissue replaces this PEP
    void_reason TEXT,
    batch_id    INTEGER REFERENCES batches(id),
    created_at  TEXT NOT NULL,
    stage       TEXT NOT NULL DEFAULT 'generated' CHECK (stage = 'generated' OR
                stage = 'batched' OR stage = 'shipped' OR stage = 'delivered' OR
                stage = 'undeliverable' OR stage = 'returning' OR stage = 'received' OR
                stage = 'late' OR stage = 'voided'),
    entity      TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    UNIQUE (elector_id, generation)
) STRICT;

CREATE INDEX peps_batch ON peps (batch_id);
CREATE INDEX peps_elector ON peps (elector_id);

-- PEPs per stage, entity and country. Whatever statement touches a PEP, its counts move with
-- it. (INSERT OR IGNORE + UPDATE rather than an upsert: correct under any outer conflict
-- policy.)
CREATE TABLE stage_counts (
    stage   TEXT NOT NULL,
    entity  TEXT NOT NULL,
    country TEXT NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (stage, entity, country)
) STRICT, WITHOUT ROWID;

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


-- ---------------------------------------------------------------------------------------------
-- Courier legs and tracking: every carrier event stored once, each leg's polling state, and
-- the calls made to each carrier per UTC day (their daily quotas outlive a restart).

CREATE TABLE legs (
    id            INTEGER PRIMARY KEY,
    pep           INTEGER NOT NULL REFERENCES peps(id),
    direction     TEXT NOT NULL CHECK (direction = 'outbound' OR direction = 'return'),
    carrier       TEXT NOT NULL CHECK (carrier = 'fedex' OR carrier = 'ups' OR carrier = 'dhl'),
    tracking      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'unknown' CHECK (status = 'pre_transit' OR
                  status = 'in_transit' OR status = 'out_for_delivery' OR
                  status = 'delivered' OR status = 'exception' OR
                  status = 'return_to_sender' OR status = 'unknown'),
    status_at     TEXT,                          -- time of the event that set the status
    last_event_at TEXT,
    updated_at    TEXT NOT NULL,
    UNIQUE (pep, direction),
    UNIQUE (carrier, tracking)
) STRICT;

CREATE INDEX legs_direction_status ON legs (direction, status);

CREATE TABLE leg_events (
    id          INTEGER PRIMARY KEY,
    leg         INTEGER NOT NULL REFERENCES legs(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,                   -- RFC 3339 UTC: when it happened
    status      TEXT NOT NULL CHECK (status = 'pre_transit' OR
                status = 'in_transit' OR status = 'out_for_delivery' OR
                status = 'delivered' OR status = 'exception' OR
                status = 'return_to_sender' OR status = 'unknown'),
    raw_code    TEXT NOT NULL,                   -- the carrier's code ('' when none)
    raw_text    TEXT NOT NULL,
    location    TEXT NOT NULL,
    recorded_at TEXT NOT NULL,                   -- when the tracker learned it
    UNIQUE (leg, at, raw_code, raw_text, location)
) STRICT;

CREATE TABLE leg_polls (
    leg          INTEGER PRIMARY KEY REFERENCES legs(id) ON DELETE CASCADE,
    next_poll_at TEXT NOT NULL,                  -- '9999' once the leg is final
    since        TEXT NOT NULL,                  -- when the stored status last changed
    last_poll_at TEXT,
    poll_day     TEXT,                           -- UTC day of polls_today (YYYY-MM-DD)
    polls_today  INTEGER NOT NULL DEFAULT 0,
    polls_total  INTEGER NOT NULL DEFAULT 0,
    failures     INTEGER NOT NULL DEFAULT 0,     -- in a row
    visible      INTEGER NOT NULL DEFAULT 0,     -- the carrier has shown it at least once
    last_error   TEXT
) STRICT;

CREATE INDEX leg_polls_due ON leg_polls (next_poll_at);

CREATE TABLE carrier_calls (
    carrier TEXT NOT NULL,
    day     TEXT NOT NULL,
    calls   INTEGER NOT NULL,
    PRIMARY KEY (carrier, day)
) STRICT, WITHOUT ROWID;

-- A new leg is due at once; a leg whose number changes starts polling over.
CREATE TRIGGER legs_poll_state AFTER INSERT ON legs
BEGIN
    INSERT INTO leg_polls (leg, next_poll_at, since) VALUES (NEW.id, NEW.updated_at, NEW.updated_at);
END;

CREATE TRIGGER legs_number_changed AFTER UPDATE OF carrier, tracking ON legs
WHEN OLD.carrier IS NOT NEW.carrier OR OLD.tracking IS NOT NEW.tracking
BEGIN
    UPDATE leg_polls
       SET next_poll_at = NEW.updated_at, since = NEW.updated_at, polls_today = 0,
           failures = 0, visible = 0, last_error = NULL
     WHERE leg = NEW.id;
END;


-- ---------------------------------------------------------------------------------------------
-- Reception of returned envelopes: MEC assignment, scans, check-ins.

-- The postal MEC of each elector: per entity, numbered from 1, at most max_electors_per_mec.
CREATE TABLE mec_assignments (
    elector_id INTEGER PRIMARY KEY REFERENCES electors(id),
    entity     TEXT NOT NULL,
    mec        INTEGER NOT NULL CHECK (mec >= 1)
) STRICT;

CREATE INDEX mec_assignments_mec ON mec_assignments (entity, mec);

-- Every scan at a station, whatever its outcome (reconciliation counts them).
CREATE TABLE scans (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    station  TEXT NOT NULL,
    operator TEXT NOT NULL,
    input    TEXT NOT NULL,                      -- the scanned text, truncated to 64 characters
    outcome  TEXT NOT NULL CHECK (outcome = 'accepted' OR outcome = 'duplicate' OR
             outcome = 'late' OR outcome = 'voided' OR outcome = 'invalid' OR
             outcome = 'unknown'),
    pep      INTEGER REFERENCES peps(id)
) STRICT;

CREATE INDEX scans_station ON scans (station, at);
CREATE INDEX scans_operator ON scans (operator, at);

-- The receipt of an envelope: at most one per PEP, accepted (on time) or late.
CREATE TABLE checkins (
    pep         INTEGER PRIMARY KEY REFERENCES peps(id),
    outcome     TEXT NOT NULL CHECK (outcome = 'accepted' OR outcome = 'late'),
    seq         INTEGER NOT NULL UNIQUE,         -- endorsement number written on the envelope
    received_at TEXT NOT NULL,
    station     TEXT NOT NULL,
    operator    TEXT NOT NULL,
    entity      TEXT NOT NULL,
    mec         INTEGER                          -- NULL for late envelopes
) STRICT;

CREATE INDEX checkins_mec ON checkins (entity, mec);

-- Envelopes received per UTC hour and outcome (screens fold the hours into local days of the
-- election's time zone), kept by triggers on checkins.
CREATE TABLE checkin_hours (
    hour    TEXT NOT NULL,                      -- 'YYYY-MM-DDTHH', UTC
    outcome TEXT NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (hour, outcome)
) STRICT, WITHOUT ROWID;

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
