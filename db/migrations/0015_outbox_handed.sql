-- Notices handed to a provider and not confirmed (see ops::notices): the sender records, in
-- one commit, the moment it hands a notice to the SMTP server or the SMS provider
-- (`handed_at`), before the message can be accepted. A sender that dies then leaves either a
-- claim never handed (sent again: the provider cannot have it) or one handed and unconfirmed,
-- which becomes `unconfirmed` (it may or may not have arrived) instead of being sent twice.
--
-- SQLite cannot widen a CHECK in place: the table is rebuilt with the new state and column,
-- rows and ids kept (the ids are in the Message-IDs already sent), its index and the triggers
-- that keep `outbox_counts` made again.

CREATE TABLE outbox_0015 (
    id          INTEGER PRIMARY KEY,
    pep         INTEGER NOT NULL REFERENCES peps(id),
    entity      TEXT NOT NULL,                   -- the PEP's entity, for scoped counts
    kind        TEXT NOT NULL CHECK (kind = 'shipped' OR kind = 'delivered' OR
                kind = 'reminder' OR kind = 'picked_up' OR kind = 'received_in_time' OR
                kind = 'undeliverable' OR kind = 'received_late'),
    channel     TEXT NOT NULL CHECK (channel = 'email' OR channel = 'sms'),
    state       TEXT NOT NULL CHECK (state = 'pending' OR state = 'sending' OR
                state = 'sent' OR state = 'failed' OR state = 'cancelled' OR
                state = 'opted_out' OR state = 'unconfirmed'),
    created_at  TEXT NOT NULL,
    due_at      TEXT NOT NULL,                   -- not before this instant
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,                            -- while `sending`
    claimed_by  TEXT,
    handed_at   TEXT,                            -- handed to the provider (this try)
    sent_at     TEXT,
    provider_id TEXT,                            -- the SMTP server's answer or the SMS id
    last_error  TEXT,
    UNIQUE (pep, kind, channel)
) STRICT;

INSERT INTO outbox_0015 (id, pep, entity, kind, channel, state, created_at, due_at, attempts,
                         lease_until, claimed_by, sent_at, provider_id, last_error)
SELECT id, pep, entity, kind, channel, state, created_at, due_at, attempts,
       lease_until, claimed_by, sent_at, provider_id, last_error
  FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_0015 RENAME TO outbox;

CREATE INDEX outbox_due ON outbox (state, due_at);

CREATE TRIGGER outbox_counts_insert AFTER INSERT ON outbox
BEGIN
    INSERT OR IGNORE INTO outbox_counts (state, entity, n) VALUES (NEW.state, NEW.entity, 0);
    UPDATE outbox_counts SET n = n + 1 WHERE state = NEW.state AND entity = NEW.entity;
END;

CREATE TRIGGER outbox_counts_update AFTER UPDATE OF state ON outbox
WHEN OLD.state IS NOT NEW.state
BEGIN
    UPDATE outbox_counts SET n = n - 1 WHERE state = OLD.state AND entity = OLD.entity;
    INSERT OR IGNORE INTO outbox_counts (state, entity, n) VALUES (NEW.state, NEW.entity, 0);
    UPDATE outbox_counts SET n = n + 1 WHERE state = NEW.state AND entity = NEW.entity;
END;
