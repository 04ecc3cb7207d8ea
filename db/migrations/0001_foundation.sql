-- Foundation: the election, the postal list, users and sessions, the audit trail.

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
    source_line      INTEGER NOT NULL
) STRICT;

-- Counts kept in step with `electors` by the importer, so screens never scan the list.
CREATE TABLE elector_counts (
    entity  TEXT NOT NULL,
    country TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (entity, country)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin','shipping','reception','sync','viewer')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('admin','shipping','reception','sync','viewer')),
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

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
) STRICT;

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
