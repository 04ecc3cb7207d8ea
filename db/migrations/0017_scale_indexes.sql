-- A national campaign (issue 12): what the subscriber, the sweep, the inbox's clean-up and the
-- reception look at every pass is found through indexes, so a pass costs what it finds, not a
-- read of every leg, push or PEP.
-- (CHECKs are OR-chains, never IN lists: see 0001_initial.sql.)

-- Legs that have never had a subscription asked for: filled when a leg is created, emptied
-- when its first subscription row is written or the leg becomes final.
CREATE TABLE subscription_wanted (
    leg INTEGER PRIMARY KEY REFERENCES legs(id) ON DELETE CASCADE
) STRICT;

INSERT INTO subscription_wanted (leg)
SELECT l.id FROM legs l
 WHERE l.status != 'delivered' AND l.status != 'return_to_sender'
   AND NOT EXISTS (SELECT 1 FROM leg_subscriptions s WHERE s.leg = l.id);

CREATE TRIGGER legs_subscription_wanted AFTER INSERT ON legs
WHEN NEW.status != 'delivered' AND NEW.status != 'return_to_sender'
BEGIN
    INSERT OR IGNORE INTO subscription_wanted (leg) VALUES (NEW.id);
END;

CREATE TRIGGER leg_subscriptions_asked AFTER INSERT ON leg_subscriptions
BEGIN
    DELETE FROM subscription_wanted WHERE leg = NEW.leg;
END;

-- Whether the subscription's leg is still on its way: a final leg's subscription is never
-- renewed or retried, so the renewal and retry indexes leave it out.
ALTER TABLE leg_subscriptions ADD COLUMN leg_open INTEGER NOT NULL DEFAULT 1;

UPDATE leg_subscriptions SET leg_open = 0
 WHERE leg IN (SELECT id FROM legs WHERE status = 'delivered' OR status = 'return_to_sender');

CREATE TRIGGER legs_final_subscription AFTER UPDATE OF status ON legs
WHEN (NEW.status = 'delivered' OR NEW.status = 'return_to_sender') AND NEW.status IS NOT OLD.status
BEGIN
    UPDATE leg_subscriptions SET leg_open = 0 WHERE leg = NEW.id;
    DELETE FROM subscription_wanted WHERE leg = NEW.id;
END;

CREATE INDEX leg_subscriptions_renew ON leg_subscriptions (expires_at)
    WHERE state = 'active' AND leg_open = 1;
CREATE INDEX leg_subscriptions_retry ON leg_subscriptions (updated_at)
    WHERE state = 'failed' AND leg_open = 1;

-- Pushed return legs whose safety-net poll is after the sweep before the cutoff.
CREATE INDEX leg_subscriptions_active ON leg_subscriptions (leg)
    WHERE state = 'active' AND leg_open = 1;

-- DHL validation handshakes waiting to be confirmed.
CREATE INDEX leg_subscriptions_validating ON leg_subscriptions (leg)
    WHERE state = 'validating' AND challenge IS NOT NULL AND external_id IS NOT NULL;

-- PEPs whose envelope is on its way back or delivered to INE and not yet checked in.
CREATE INDEX peps_returning ON peps (id) WHERE stage = 'returning';

-- Applied pushes that still keep their raw body (emptied after a few days).
CREATE INDEX inbox_kept ON inbox (handled_at) WHERE state = 'done' AND length(body) > 0;

-- Pushes waiting for the inbox worker, oldest first (inbox_open's `state != 'done'` cannot
-- serve `state = 'pending'`: SQLite proves a partial index only from the same term).
CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending';

-- A PEP's scans: the reconciliation's "delivered to INE and never scanned" asks for each
-- delivered return envelope (without it, a national drill's report read the whole scans table
-- once per envelope).
CREATE INDEX scans_pep ON scans (pep);
