-- Scans that carry a station-made scan id (the station page names every scan before sending
-- it, so that a scan sent again after a network cut is decided exactly once). One row per id:
-- the first verdict, answered again to any repeat. `scanned_at` is the browser's claim of
-- when the envelope was scanned, kept beside the verdict for the record and never judged;
-- `seen_at` is when the server first saw the scan: the cutoff is judged on it; `decided_at`
-- is when the verdict was recorded (scans.at).

CREATE TABLE scan_ids (
    scan_id    TEXT PRIMARY KEY,                 -- station-made, 8 to 64 of [A-Za-z0-9-]
    scan       INTEGER NOT NULL UNIQUE REFERENCES scans(id),
    scanned_at TEXT,                             -- the browser's claim, if it sent one
    seen_at    TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    reason     TEXT NOT NULL,
    pep_id     TEXT,
    entity     TEXT,
    mec        INTEGER,
    sequence   INTEGER
) STRICT;
