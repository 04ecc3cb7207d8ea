-- Address corrections (issue 12): when a PEP came back because the elector's address was
-- wrong, shipping staff correct it at reissue. The elector row then holds the corrected address
-- (the replacement PEP goes there) and the address it replaces is kept here, one row per
-- correction.
--
-- Personal data stays out of the audit trail: the audit record of a correction
-- (`pep.address_corrected`, subject the voided PEP) names this row by id in its detail and
-- carries the SHA-256 of the old address's canonical JSON as its before_digest (`digest`
-- below) and the new one's as its after_digest, so the chain vouches for this row's content
-- while holding no address text. A purge of personal data must clear these rows with the
-- electors' own columns.

CREATE TABLE address_history (
    id            INTEGER PRIMARY KEY,
    elector_id    INTEGER NOT NULL REFERENCES electors(id),
    pep           INTEGER NOT NULL REFERENCES peps(id),  -- the voided PEP sent to this address
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city          TEXT NOT NULL,
    region        TEXT,
    postal_code   TEXT NOT NULL,
    country       TEXT NOT NULL,
    digest        TEXT NOT NULL,                -- SHA-256 hex of the canonical JSON
    replaced_at   TEXT NOT NULL,                -- RFC 3339 UTC
    replaced_by   TEXT NOT NULL                 -- the actor
) STRICT;

CREATE INDEX address_history_elector ON address_history (elector_id, id);
