-- The day from which the electors' personal data may be purged (`purge --personal-data`);
-- NULL in databases made before this column: read as 60 days after election day.
ALTER TABLE election ADD COLUMN purge_after TEXT;   -- YYYY-MM-DD
