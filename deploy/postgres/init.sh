#!/bin/bash
# Runs once, when the postgres container initialises an empty data directory.
# Each service owns its data (STYLE §2.6): one role and one database per name in
# MINSHENG_DATABASES (docker-compose.yml sets it from contracts.registry; a test checks the
# list), the role owns its database, and no other role may connect to it. REVOKE from PUBLIC
# removes the CONNECT every role would otherwise have: voting's roll and its ballot box are
# two databases with two roles precisely so that neither role can read the other's data.
# Passwords equal the names: for the local stack only.
set -euo pipefail

names=${MINSHENG_DATABASES:?list the databases to create}
for name in $names; do  # all checked before any is created
  [[ "$name" =~ ^[a-z][a-z0-9_]*$ ]] || { echo "bad database name: $name" >&2; exit 1; }
done
for name in $names; do
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres <<SQL
CREATE ROLE ${name} LOGIN PASSWORD '${name}';
CREATE DATABASE ${name} OWNER ${name};
REVOKE ALL ON DATABASE ${name} FROM PUBLIC;
SQL
done
