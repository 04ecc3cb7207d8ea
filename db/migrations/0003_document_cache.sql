-- The printed documents of each batch, rendered once and kept on disk beside the database
-- (ops::doc_store). `document_versions` holds a random stamp per batch that triggers renew
-- whenever anything a batch's documents print changes, in the same transaction as the change:
-- its PEPs (membership, void by reissue, code), their electors' printed fields, their outbound
-- guías, the batch's name, and the election's name, time zone and return address.
-- `document_files` holds the SHA-256 of each file written, and the fingerprint (stamp, layout,
-- key) it was rendered under. Writes that touch none of those columns (check-ins, stages,
-- carrier statuses) fire nothing here.

CREATE TABLE document_versions (
    batch_id INTEGER PRIMARY KEY,                -- batches(id)
    stamp    BLOB NOT NULL                       -- random; renewed on every change
) STRICT;

INSERT INTO document_versions (batch_id, stamp) SELECT id, randomblob(16) FROM batches;

CREATE TABLE document_files (
    batch_id    INTEGER NOT NULL,                -- batches(id)
    file        TEXT NOT NULL,                   -- manifest.pdf, labels.pdf, …
    fingerprint TEXT NOT NULL,                   -- hex SHA-256 of what it was rendered from
    sha256      TEXT NOT NULL,                   -- hex SHA-256 of the file's bytes
    size        INTEGER NOT NULL CHECK (size >= 0),
    peps        INTEGER NOT NULL CHECK (peps >= 0),
    rendered_at TEXT NOT NULL,
    PRIMARY KEY (batch_id, file)
) STRICT;

CREATE TRIGGER document_versions_batch_insert AFTER INSERT ON batches
BEGIN
    INSERT OR REPLACE INTO document_versions (batch_id, stamp) VALUES (NEW.id, randomblob(16));
END;

CREATE TRIGGER document_versions_batch_update AFTER UPDATE ON batches
BEGIN
    UPDATE document_versions SET stamp = randomblob(16) WHERE batch_id IN (OLD.id, NEW.id);
END;

CREATE TRIGGER document_versions_batch_delete AFTER DELETE ON batches
BEGIN
    DELETE FROM document_versions WHERE batch_id = OLD.id;
    DELETE FROM document_files WHERE batch_id = OLD.id;
END;

CREATE TRIGGER document_versions_pep_insert AFTER INSERT ON peps
WHEN NEW.batch_id IS NOT NULL
BEGIN
    UPDATE document_versions SET stamp = randomblob(16) WHERE batch_id = NEW.batch_id;
END;

CREATE TRIGGER document_versions_pep_update
AFTER UPDATE OF pep_id, elector_id, code_id, voided_at, batch_id ON peps
WHEN OLD.batch_id IS NOT NULL OR NEW.batch_id IS NOT NULL
BEGIN
    UPDATE document_versions SET stamp = randomblob(16)
     WHERE batch_id IN (OLD.batch_id, NEW.batch_id);
END;

CREATE TRIGGER document_versions_pep_delete AFTER DELETE ON peps
WHEN OLD.batch_id IS NOT NULL
BEGIN
    UPDATE document_versions SET stamp = randomblob(16) WHERE batch_id = OLD.batch_id;
END;

CREATE TRIGGER document_versions_elector_update
AFTER UPDATE OF elector_key, given_names, paternal_surname, maternal_surname, entity,
    address_line1, address_line2, city, region, postal_code, country, email, phone ON electors
BEGIN
    UPDATE document_versions SET stamp = randomblob(16)
     WHERE batch_id IN (SELECT batch_id FROM peps WHERE elector_id IN (OLD.id, NEW.id));
END;

CREATE TRIGGER document_versions_leg_insert AFTER INSERT ON legs
BEGIN
    UPDATE document_versions SET stamp = randomblob(16)
     WHERE batch_id = (SELECT batch_id FROM peps WHERE id = NEW.pep);
END;

CREATE TRIGGER document_versions_leg_update
AFTER UPDATE OF pep, direction, carrier, tracking ON legs
BEGIN
    UPDATE document_versions SET stamp = randomblob(16)
     WHERE batch_id IN (SELECT batch_id FROM peps WHERE id IN (OLD.pep, NEW.pep));
END;

CREATE TRIGGER document_versions_leg_delete AFTER DELETE ON legs
BEGIN
    UPDATE document_versions SET stamp = randomblob(16)
     WHERE batch_id = (SELECT batch_id FROM peps WHERE id = OLD.pep);
END;

CREATE TRIGGER document_versions_election_insert AFTER INSERT ON election
BEGIN
    UPDATE document_versions SET stamp = randomblob(16);
END;

CREATE TRIGGER document_versions_election_update
AFTER UPDATE OF name, timezone, return_address ON election
WHEN OLD.name IS NOT NEW.name OR OLD.timezone IS NOT NEW.timezone
  OR OLD.return_address IS NOT NEW.return_address
BEGIN
    UPDATE document_versions SET stamp = randomblob(16);
END;
