-- Runs once, when the postgres container initialises an empty data directory.
-- Each service owns its data (STYLE §2.6): one role and one database per service, the role owns
-- its database, and no other role may connect to it. Passwords are for the local stack only.

CREATE ROLE collection LOGIN PASSWORD 'collection';
CREATE DATABASE collection OWNER collection;
REVOKE ALL ON DATABASE collection FROM PUBLIC;

CREATE ROLE gateway LOGIN PASSWORD 'gateway';
CREATE DATABASE gateway OWNER gateway;
REVOKE ALL ON DATABASE gateway FROM PUBLIC;

-- Voting has two databases (the roll, and the ballot box) with a role each. A ballot stays secret
-- only while nobody can join who received a ballot with what the ballots say, so the roll's role
-- must not be able to connect to the ballot box (nor the box's role to the roll): REVOKE from
-- PUBLIC removes the CONNECT every role would otherwise have.
CREATE ROLE voting LOGIN PASSWORD 'voting';
CREATE DATABASE voting OWNER voting;
REVOKE ALL ON DATABASE voting FROM PUBLIC;

CREATE ROLE voting_ballots LOGIN PASSWORD 'voting_ballots';
CREATE DATABASE voting_ballots OWNER voting_ballots;
REVOKE ALL ON DATABASE voting_ballots FROM PUBLIC;
