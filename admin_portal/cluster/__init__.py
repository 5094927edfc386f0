"""`make run-cluster`: the portal on PostgreSQL and Redis with several app and mail workers.

`python -m admin_portal.cluster` starts what is not given from outside (a PostgreSQL server
from Debian's packages and a redis-server, both on loopback with their data under
`var/cluster/`), migrates and seeds the database, then serves the portal (Reflex prod mode,
one port, N Granian workers sharing their state through Redis) beside M mail/job workers.
Ctrl-C stops everything it started, in order: the app and the workers first, then Redis
and PostgreSQL.
"""
