-- The admission cache (docs/hot-path.md) also keeps a licence's "sign every call" setting
-- (licence_signing): a change to it bumps the admission version like the other tables the
-- admission snapshot is read from (0071), so every node sees it at its next version check.
CREATE TRIGGER licence_signing_insert_bumps_admission AFTER INSERT ON licence_signing
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER licence_signing_update_bumps_admission AFTER UPDATE ON licence_signing
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
CREATE TRIGGER licence_signing_delete_bumps_admission AFTER DELETE ON licence_signing
BEGIN UPDATE cache_versions SET version = version + 1 WHERE scope = 'admission'; END;
