-- Versions of what the hot path caches in memory (docs/hot-path.md): every change to a table a
-- cache is built from bumps its scope's version, by trigger, so no writer can forget to; each
-- node compares the versions with what its caches were built at before it trusts them, which
-- keeps several nodes correct without messages between them.
CREATE TABLE cache_versions (
    scope   TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO cache_versions (scope, version) VALUES ('users', 0), ('draws', 0), ('admission', 0);

-- users
CREATE TRIGGER users_insert_bumps_users AFTER INSERT ON users
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER users_update_bumps_users AFTER UPDATE ON users
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER users_delete_bumps_users AFTER DELETE ON users
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER carrier_links_insert_bumps_users AFTER INSERT ON carrier_links
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER carrier_links_update_bumps_users AFTER UPDATE ON carrier_links
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER carrier_links_delete_bumps_users AFTER DELETE ON carrier_links
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER consent_grants_insert_bumps_users AFTER INSERT ON consent_grants
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER consent_grants_update_bumps_users AFTER UPDATE ON consent_grants
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;
CREATE TRIGGER consent_grants_delete_bumps_users AFTER DELETE ON consent_grants
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'users'; END;

-- draws
CREATE TRIGGER winning_numbers_insert_bumps_draws AFTER INSERT ON winning_numbers
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'draws'; END;
CREATE TRIGGER winning_numbers_update_bumps_draws AFTER UPDATE ON winning_numbers
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'draws'; END;
CREATE TRIGGER winning_numbers_delete_bumps_draws AFTER DELETE ON winning_numbers
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'draws'; END;
CREATE TRIGGER draw_marks_insert_bumps_draws AFTER INSERT ON draw_marks
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'draws'; END;
CREATE TRIGGER draw_marks_update_bumps_draws AFTER UPDATE ON draw_marks
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'draws'; END;
CREATE TRIGGER draw_marks_delete_bumps_draws AFTER DELETE ON draw_marks
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'draws'; END;

-- admission
CREATE TRIGGER apps_insert_bumps_admission AFTER INSERT ON apps
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER apps_update_bumps_admission AFTER UPDATE ON apps
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER apps_delete_bumps_admission AFTER DELETE ON apps
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER blocked_devices_insert_bumps_admission AFTER INSERT ON blocked_devices
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER blocked_devices_update_bumps_admission AFTER UPDATE ON blocked_devices
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER blocked_devices_delete_bumps_admission AFTER DELETE ON blocked_devices
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER licences_insert_bumps_admission AFTER INSERT ON licences
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER licences_update_bumps_admission AFTER UPDATE ON licences
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER licences_delete_bumps_admission AFTER DELETE ON licences
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER credentials_insert_bumps_admission AFTER INSERT ON credentials
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER credentials_update_bumps_admission AFTER UPDATE ON credentials
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER credentials_delete_bumps_admission AFTER DELETE ON credentials
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER applications_insert_bumps_admission AFTER INSERT ON applications
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER applications_update_bumps_admission AFTER UPDATE ON applications
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER applications_delete_bumps_admission AFTER DELETE ON applications
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER terms_versions_insert_bumps_admission AFTER INSERT ON terms_versions
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER terms_versions_update_bumps_admission AFTER UPDATE ON terms_versions
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER terms_versions_delete_bumps_admission AFTER DELETE ON terms_versions
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER terms_acceptances_insert_bumps_admission AFTER INSERT ON terms_acceptances
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER terms_acceptances_update_bumps_admission AFTER UPDATE ON terms_acceptances
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER terms_acceptances_delete_bumps_admission AFTER DELETE ON terms_acceptances
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
