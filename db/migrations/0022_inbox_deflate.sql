-- A national campaign (issue 12), continued: a push's body is kept deflated. A carrier's push
-- repeats each shipment's whole history (a FedEx body of 30 numbers averaged 33 KB in a
-- drill), and every body was written twice (stored, then marked applied) before it was
-- emptied; deflated, the bodies a 5,000-elector drill kept were a sixth of that. Bodies stored
-- before stay raw.
-- (CHECKs are OR-chains, never IN lists: see 0001_initial.sql.)

ALTER TABLE inbox ADD COLUMN encoding TEXT NOT NULL DEFAULT 'raw'
    CHECK (encoding = 'raw' OR encoding = 'deflate');
ALTER TABLE inbox ADD COLUMN raw_bytes INTEGER;  -- the body's length as received (NULL: raw)
