-- Creates the PostgreSQL role of the Function App's user-assigned managed identity, with only what ClinicMail
-- needs: connect to the clinicmail database and own its tables in the public schema. It is NOT an
-- Entra administrator and NOT a member of azure_pg_admin (least privilege; the server administrator
-- is a group of DBAs, see infra/modules/postgres.bicep). Idempotent.
--
-- Run as a member of the Entra administrator group, with an Entra token as the password:
--   export PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)"
--   psql "host=<server>.postgres.database.azure.com dbname=postgres user=<admin group name> sslmode=require" \
--        -v app_role=<postgresAppRoleName> -v app_oid=<identityPrincipalId> -v app_db=clinicmail \
--        -f infra/postgres/create-app-role.sql
\set ON_ERROR_STOP on

-- 1. The Entra-mapped role (in the postgres database, where the pgaadauth extension lives). The
--    function only runs when the role does not exist yet.
SELECT pgaadauth_create_principal_with_oid(:'app_role', :'app_oid', 'service', false, false)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role');

-- 2. Database-level rights only on the application database.
GRANT CONNECT, TEMPORARY ON DATABASE :"app_db" TO :"app_role";

\connect :"app_db"

-- 3. The app creates and migrates its own tables, so it needs CREATE on the schema; it gets no
--    right on any other database and cannot create roles or databases.
GRANT USAGE, CREATE ON SCHEMA public TO :"app_role";
