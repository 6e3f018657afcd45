-- Runs once, when the postgres container initialises an empty data directory.
-- Each service owns its data (STYLE §2.6): one role and one database per service, the role owns
-- its database, and no other role may connect to it. Passwords are for the local stack only.

CREATE ROLE collection LOGIN PASSWORD 'collection';
CREATE DATABASE collection OWNER collection;
REVOKE ALL ON DATABASE collection FROM PUBLIC;

CREATE ROLE gateway LOGIN PASSWORD 'gateway';
CREATE DATABASE gateway OWNER gateway;
REVOKE ALL ON DATABASE gateway FROM PUBLIC;
