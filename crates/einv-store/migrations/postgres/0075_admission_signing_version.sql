-- The admission cache (docs/hot-path.md) also keeps a licence's "sign every call" setting
-- (licence_signing): a change to it bumps the admission version like the other tables the
-- admission snapshot is read from (0071), so every node sees it at its next version check.
CREATE TRIGGER licence_signing_bumps_admission AFTER INSERT OR UPDATE OR DELETE ON licence_signing
    FOR EACH STATEMENT EXECUTE FUNCTION bump_cache_version('admission');
