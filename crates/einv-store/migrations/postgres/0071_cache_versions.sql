-- Versions of what the hot path caches in memory (docs/hot-path.md): every change to a table a
-- cache is built from bumps its scope's version, by trigger, so no writer can forget to; each
-- node compares the versions with what its caches were built at before it trusts them, which
-- keeps several nodes correct without messages between them.
CREATE TABLE cache_versions (
    scope   TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO cache_versions (scope, version) VALUES ('users', 0), ('draws', 0), ('admission', 0);

CREATE FUNCTION bump_cache_version() RETURNS trigger AS $$
BEGIN
    UPDATE cache_versions SET version = version + 1 WHERE scope = TG_ARGV[0];
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- users
CREATE TRIGGER users_bumps_users AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('users');
CREATE TRIGGER carrier_links_bumps_users AFTER INSERT OR UPDATE OR DELETE ON carrier_links
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('users');
CREATE TRIGGER consent_grants_bumps_users AFTER INSERT OR UPDATE OR DELETE ON consent_grants
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('users');

-- draws
CREATE TRIGGER winning_numbers_bumps_draws AFTER INSERT OR UPDATE OR DELETE ON winning_numbers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('draws');
CREATE TRIGGER draw_marks_bumps_draws AFTER INSERT OR UPDATE OR DELETE ON draw_marks
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('draws');

-- admission
CREATE TRIGGER apps_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON apps
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
CREATE TRIGGER blocked_devices_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON blocked_devices
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
CREATE TRIGGER licences_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON licences
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
CREATE TRIGGER credentials_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON credentials
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
CREATE TRIGGER applications_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
CREATE TRIGGER terms_versions_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON terms_versions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
CREATE TRIGGER terms_acceptances_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON terms_acceptances
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
