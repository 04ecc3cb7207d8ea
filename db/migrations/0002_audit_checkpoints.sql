-- Audit checkpoints: each signed head of the audit chain that was issued (`audit checkpoint`),
-- so that the admin screen can show and hand out the latest one.

CREATE TABLE audit_checkpoints (
    id        INTEGER PRIMARY KEY,
    seq       INTEGER NOT NULL CHECK (seq >= 0),
    head      TEXT NOT NULL,                  -- hex HMAC-SHA256 of record `seq`
    log       TEXT NOT NULL,                  -- hex SHA-256 over records 1..=seq
    at        TEXT NOT NULL,                  -- RFC 3339, UTC
    signature BLOB NOT NULL CHECK (length(signature) = 64)  -- Ed25519
) STRICT;
