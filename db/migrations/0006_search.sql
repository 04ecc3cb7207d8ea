-- Search by name: a full-text index of electors' names, accents and case folded
-- ("garcia" finds GARCÍA), holding no copy of the text (contentless), kept by a trigger.

CREATE VIRTUAL TABLE elector_names USING fts5(
    name,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO elector_names (rowid, name)
SELECT id, given_names || ' ' || paternal_surname || ' ' || coalesce(maternal_surname, '')
  FROM electors;

CREATE TRIGGER electors_names_insert AFTER INSERT ON electors
BEGIN
    INSERT INTO elector_names (rowid, name)
    VALUES (NEW.id, NEW.given_names || ' ' || NEW.paternal_surname || ' '
                    || coalesce(NEW.maternal_surname, ''));
END;

CREATE TRIGGER electors_names_delete AFTER DELETE ON electors
BEGIN
    DELETE FROM elector_names WHERE rowid = OLD.id;
END;

-- The PEP page reads the audit records about one PEP (subject 'pep:PEP-…').
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
