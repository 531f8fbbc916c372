-- The school's PostgreSQL roles: one owns the schema and runs migrations, the other runs the
-- application and owns nothing. A table's owner may always TRUNCATE it, DELETE from it and grant
-- itself back whatever was revoked, so the revocations on the audit trail below hold only
-- because the application's role is not the owner. The row triggers the application installs
-- after every migrate (confidentiality/audit/triggers.py) refuse UPDATE and DELETE on the audit
-- tables; TRUNCATE fires no row trigger, hence the REVOKE.
--
-- Run as a PostgreSQL superuser, connected to the school's (empty) database, before the first
-- migrate AND again after every migrate (it is safe to run any number of times):
--
--   createdb school
--   psql -v ON_ERROR_STOP=1 -d school -f deploy/postgresql-setup.sql
--   psql -d school -c '\password school_owner'     # then the same for school_app
--
-- Other role names: psql -v owner=NAME -v app=NAME ... (deploy/README.md has the whole order).

\set ON_ERROR_STOP on
\if :{?owner}
\else
\set owner school_owner
\endif
\if :{?app}
\else
\set app school_app
\endif

-- The roles, if they are not there yet (passwords are set apart, never in this file).
SELECT format('CREATE ROLE %I LOGIN', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- Neither may create roles or databases, nor bypass row security.
ALTER ROLE :"owner" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
ALTER ROLE :"app" NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- The database and its schema belong to the owner; nobody else may create anything in them.
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'app') \gexec
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Every table and sequence the owner's migrations create: the application reads and writes
-- rows, and never TRUNCATEs, alters or drops anything.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
-- The same for what is already there (after a migrate; tables made before this file was first
-- run, by an older installation, are handed to the owner by deploy/README.md's steps).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- Large objects live outside every schema: one made by the application's role would survive a
-- restore's DROP SCHEMA, go into every backup and could make a later restore fail. The
-- application never uses them, so nobody but the superuser may make one.
REVOKE EXECUTE ON FUNCTION lo_creat(integer), lo_create(oid), lo_import(text),
    lo_import(text, oid), lo_from_bytea(oid, bytea) FROM PUBLIC;

-- The audit trail: the application adds entries and may only make the two changes the
-- triggers allow (an entry's actor set to NULL when an account is deleted; a label made
-- neutral under the retention schedule). It may never DELETE or TRUNCATE. Before the first
-- migrate the tables do not exist yet: this runs again after it.
SELECT format('ALTER TABLE %I OWNER TO %I', t, :'owner'),
       format('REVOKE ALL ON TABLE %I FROM %I', t, :'app'),
       format('REVOKE TRUNCATE, DELETE, REFERENCES, TRIGGER ON TABLE %I FROM PUBLIC', t),
       format('GRANT SELECT, INSERT, UPDATE ON TABLE %I TO %I', t, :'app')
FROM unnest(ARRAY['auditlog_logentry', 'confidentiality_auditseal']) AS t
WHERE to_regclass(format('public.%I', t)) IS NOT NULL \gexec
