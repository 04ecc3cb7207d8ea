-- Reception of returned envelopes: MEC assignment, scans, check-ins, cutoff changes.

-- The postal MEC of each elector: per entity, numbered from 1, at most max_electors_per_mec.
CREATE TABLE mec_assignments (
    elector_id INTEGER PRIMARY KEY REFERENCES electors(id),
    entity     TEXT NOT NULL,
    mec        INTEGER NOT NULL CHECK (mec >= 1)
) STRICT;

CREATE INDEX mec_assignments_mec ON mec_assignments (entity, mec);

-- The "votó" mark in the list, set by an accepted check-in.
ALTER TABLE electors ADD COLUMN voted_at TEXT;

-- Every scan at a station, whatever its outcome (reconciliation counts them).
CREATE TABLE scans (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    station  TEXT NOT NULL,
    operator TEXT NOT NULL,
    input    TEXT NOT NULL,                      -- the scanned text, truncated to 64 characters
    outcome  TEXT NOT NULL CHECK (outcome IN
             ('accepted','duplicate','late','voided','invalid','unknown')),
    pep      INTEGER REFERENCES peps(id)
) STRICT;

CREATE INDEX scans_station ON scans (station, at);
CREATE INDEX scans_operator ON scans (operator, at);

-- The receipt of an envelope: at most one per PEP, accepted (on time) or late.
CREATE TABLE checkins (
    pep         INTEGER PRIMARY KEY REFERENCES peps(id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('accepted', 'late')),
    seq         INTEGER NOT NULL UNIQUE,         -- endorsement number written on the envelope
    received_at TEXT NOT NULL,
    station     TEXT NOT NULL,
    operator    TEXT NOT NULL,
    entity      TEXT NOT NULL,
    mec         INTEGER                          -- NULL for late envelopes
) STRICT;

CREATE INDEX checkins_mec ON checkins (entity, mec);
