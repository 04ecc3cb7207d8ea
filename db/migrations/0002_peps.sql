-- PEPs, their return-envelope codes, shipping batches and courier legs.

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    entity     TEXT,                             -- filter used at creation, if any
    country    TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) STRICT;

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
    UNIQUE (elector_id, generation)
) STRICT;

CREATE INDEX peps_batch ON peps (batch_id);
CREATE INDEX peps_elector ON peps (elector_id);

CREATE TABLE legs (
    id            INTEGER PRIMARY KEY,
    pep           INTEGER NOT NULL REFERENCES peps(id),
    direction     TEXT NOT NULL CHECK (direction IN ('outbound', 'return')),
    carrier       TEXT NOT NULL CHECK (carrier IN ('fedex', 'ups', 'dhl')),
    tracking      TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'unknown' CHECK (status IN
                  ('pre_transit','in_transit','out_for_delivery','delivered','exception',
                   'return_to_sender','unknown')),
    status_at     TEXT,                          -- time of the event that set the status
    last_event_at TEXT,
    updated_at    TEXT NOT NULL,
    UNIQUE (pep, direction),
    UNIQUE (carrier, tracking)
) STRICT;
