-- Pushed tracking (issue 14): the inbox of carrier pushes, stored raw before they are answered
-- and applied by a worker, and each leg's push subscription with the carrier.
-- (CHECKs are OR-chains, never IN lists: see 0001_initial.sql.)

CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY,
    carrier     TEXT NOT NULL CHECK (carrier = 'fedex' OR carrier = 'ups' OR carrier = 'dhl'),
    received_at TEXT NOT NULL,                   -- RFC 3339 UTC, on the process's clock
    body        BLOB NOT NULL,                   -- the raw bytes, as authenticated
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state = 'pending' OR state = 'done' OR
                state = 'malformed'),
    handled_at  TEXT,
    events      INTEGER NOT NULL DEFAULT 0,      -- events it carried for known legs
    error       TEXT                             -- why a malformed push could not be read
) STRICT;

-- The worker takes the oldest pending pushes; inspection lists the malformed ones.
CREATE INDEX inbox_open ON inbox (state, id) WHERE state != 'done';

CREATE TABLE leg_subscriptions (
    leg           INTEGER PRIMARY KEY REFERENCES legs(id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state = 'validating' OR state = 'active' OR
                  state = 'refused' OR state = 'failed'),
    external_id   TEXT,                          -- the carrier's subscription id (DHL)
    challenge     TEXT,                          -- DHL's validation secret, until confirmed
    subscribed_at TEXT NOT NULL,
    expires_at    TEXT NOT NULL,                 -- renewed before then while not final
    last_push_at  TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX leg_subscriptions_expiry ON leg_subscriptions (expires_at);
CREATE INDEX leg_subscriptions_external ON leg_subscriptions (external_id)
    WHERE external_id IS NOT NULL;
