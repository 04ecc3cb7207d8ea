-- Entity scopes of accounts (an OPL's board): which part of the list a user or token may see.
-- NULL is the national scope (every entity); otherwise a comma-separated list of INEGI codes
-- in code order ("07,20"), as `domain::scope::Scope::to_list` writes it. Only viewers carry
-- one (`ops::users` refuses a scope on any other role).

ALTER TABLE users ADD COLUMN scope TEXT;
ALTER TABLE tokens ADD COLUMN scope TEXT;
