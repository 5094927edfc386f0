"""The search wing: finding users fast at 1,000,000 rows, on SQLite and PostgreSQL.

- `users`: the entrances of Användare (`search_users`, `select_matching_users`);
  `user_bank`: Användarbanken's search;
- `query` (what was asked, cleaned), `cursor` (the signed keyset cursor), `text` (input
  cleaning, LIKE escaping, case spellings, the text predicates), `shape` (the SQL pieces
  of one query), `plan` (which shape a count and a page take), `rows` (the name-ordered
  search rows path);
- `columns`: what the search reads, which the covering indexes carry;
- `ddl`, `rows_ddl`, `structures`: the indexes, FTS5 tables and search rows this needs
  (built by migrations and `ensure_search_structures`) and the checks of what exists;
  `rows_maintenance` keeps the search rows in order; `hints` renders SQLite's INDEXED BY.

Tables the services write stay in `admin_portal.models`; this wing only reads them.
"""
