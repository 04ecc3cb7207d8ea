-- Courier tracking: every carrier event stored once, each leg's polling state, and the calls
-- made to each carrier per UTC day (their daily quotas outlive a restart).

CREATE TABLE leg_events (
    id          INTEGER PRIMARY KEY,
    leg         INTEGER NOT NULL REFERENCES legs(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,                   -- RFC 3339 UTC: when it happened
    status      TEXT NOT NULL CHECK (status IN
                ('pre_transit','in_transit','out_for_delivery','delivered','exception',
                 'return_to_sender','unknown')),
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

CREATE INDEX legs_direction_status ON legs (direction, status);

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

INSERT INTO leg_polls (leg, next_poll_at, since) SELECT id, updated_at, updated_at FROM legs;
