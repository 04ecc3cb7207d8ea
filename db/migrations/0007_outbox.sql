-- Notices to electors (e-mail, SMS): the transactional outbox, the opt-outs, and the counts the
-- dashboard shows.
--
-- A row of `outbox` is written in the same transaction as the change that causes it (a leg's
-- status, a check-in, a reissue), at most one per (PEP, kind, channel): UNIQUE makes a repeated
-- carrier event or a replayed pass a no-op. The row holds no address and no text: the sender
-- reads the elector's e-mail or phone and words the notice when it sends it, so that a purge of
-- personal data leaves nothing behind here. Its id makes the notice's stable Message-ID.
--
-- States: pending (due at `due_at`: retries back off, quiet hours push it to the morning),
-- sending (claimed by a sender until `lease_until`; a sender that died leaves the lease to
-- expire, and the notice is sent again: see ops::notices for the trade-off), sent, failed,
-- cancelled, opted_out.

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    pep         INTEGER NOT NULL REFERENCES peps(id),
    entity      TEXT NOT NULL,                   -- the PEP's entity, for scoped counts
    kind        TEXT NOT NULL CHECK (kind = 'shipped' OR kind = 'delivered' OR
                kind = 'reminder' OR kind = 'picked_up' OR kind = 'received_in_time' OR
                kind = 'undeliverable' OR kind = 'received_late'),
    channel     TEXT NOT NULL CHECK (channel = 'email' OR channel = 'sms'),
    state       TEXT NOT NULL CHECK (state = 'pending' OR state = 'sending' OR
                state = 'sent' OR state = 'failed' OR state = 'cancelled' OR
                state = 'opted_out'),
    created_at  TEXT NOT NULL,
    due_at      TEXT NOT NULL,                   -- not before this instant
    attempts    INTEGER NOT NULL DEFAULT 0,
    lease_until TEXT,                            -- while `sending`
    claimed_by  TEXT,
    sent_at     TEXT,
    provider_id TEXT,                            -- the SMTP server's answer or the SMS id
    last_error  TEXT,
    UNIQUE (pep, kind, channel)
) STRICT;

CREATE INDEX outbox_due ON outbox (state, due_at);

-- Electors who asked for no more notices (the e-mail's link or an SMS "BAJA").
CREATE TABLE notice_optouts (
    elector_id INTEGER PRIMARY KEY REFERENCES electors(id),
    entity     TEXT NOT NULL,
    at         TEXT NOT NULL,
    via        TEXT NOT NULL CHECK (via = 'link' OR via = 'sms')
) STRICT;

-- Notices per state and entity, kept by triggers in the same transaction as the change.
CREATE TABLE outbox_counts (
    state  TEXT NOT NULL,
    entity TEXT NOT NULL,
    n      INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (state, entity)
) STRICT, WITHOUT ROWID;

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
