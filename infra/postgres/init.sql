-- Keycloak keeps its realm in the platform's PostgreSQL; each UHR service creates its own database at boot.
create database keycloak;
