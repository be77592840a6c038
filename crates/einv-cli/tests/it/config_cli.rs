//! `einv config check` and the layering it shows: file, then `EINV_*`, then flags; secrets
//! redacted; a bad value exits non-zero naming the field.

use std::path::Path;
use std::process::Output;

const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// `einv config check` with `file` as the configuration and no inherited `EINV_*` variables.
fn check(dir: &Path, file: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
    let path = dir.join("einv.toml");
    std::fs::write(&path, file).unwrap();
    crate::process::einv_command()
        .args(["config", "check", "--config"])
        .arg(&path)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_effective_settings_are_printed_with_secrets_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let file = format!(
        "[database]\nurl = \"postgres://einv:s3cret-pw@db.internal:5432/einv\"\nserver_key = \"{KEY}\"\n\
         [redis]\nurl = \"redis://:redis-pw@127.0.0.1:6379/0\"\n[background.jobs]\naudit_checkpoint = 60\n"
    );
    let out = check(dir.path(), &file, &[], &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}{}", text, stderr(&out));
    for secret in ["s3cret-pw", KEY, "redis-pw"] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }
    assert!(
        text.contains("postgres://einv:[redacted]@db.internal:5432/einv"),
        "{text}"
    );
    assert!(text.contains("server_key = \"[redacted]\""), "{text}");
    assert!(text.contains("audit_checkpoint = 60"), "{text}");
    // Defaults fill what the file leaves out.
    assert!(text.contains("per_ip = \"600/60\""), "{text}");
    assert!(text.contains("retention_months = 6"), "{text}");
    // The hot path's staleness bound: a change on any node is seen here within 250 ms.
    assert!(text.contains("[cache]\ncheck_ms = 250"), "{text}");
}

#[test]
fn the_environment_wins_over_the_file_and_a_flag_over_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = "[limits]\nper_ip = \"10/60\"\n[listen]\naddress = \"127.0.0.1:9000\"\n";
    let from_file = stdout(&check(dir.path(), file, &[], &[]));
    assert!(from_file.contains("per_ip = \"10/60\""), "{from_file}");
    assert!(
        from_file.contains("address = \"127.0.0.1:9000\""),
        "{from_file}"
    );
    let env = [
        ("EINV_LIMIT_IP", "20/60"),
        ("EINV_LISTEN", "127.0.0.1:9001"),
    ];
    let from_env = stdout(&check(dir.path(), file, &env, &[]));
    assert!(from_env.contains("per_ip = \"20/60\""), "{from_env}");
    assert!(
        from_env.contains("address = \"127.0.0.1:9001\""),
        "{from_env}"
    );
    let from_flag = stdout(&check(dir.path(), file, &env, &["--limit-ip", "30/60"]));
    assert!(from_flag.contains("per_ip = \"30/60\""), "{from_flag}");
    let zero = stdout(&check(dir.path(), file, &[], &["--cache-check-ms", "0"]));
    assert!(zero.contains("[cache]\ncheck_ms = 0"), "{zero}");
}

#[test]
fn a_bad_value_exits_non_zero_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // R5.3: the trail is kept at least six months.
        ("[audit]\nretention_months = 3\n", "audit.retention_months"),
        ("[limits]\nper_app = \"lots\"\n", "per_app"),
        ("[listen]\nadress = \"127.0.0.1:1\"\n", "adress"),
        (
            "[database]\nurl = \"mysql://root:pw@db/einv\"\n",
            "database.url",
        ),
        ("[database]\nserver_key = \"abc\"\n", "database.server_key"),
        (
            "[background]\npoll_seconds = 0\n",
            "background.poll_seconds",
        ),
        ("[public]\nurl = \"einv.example\"\n", "public.url"),
        ("[logging]\nformat = \"xml\"\n", "format"),
        ("[redis]\nexpected_nodes = 0\n", "redis.expected_nodes"),
        // R4.6 per AppID per service: a known service, a well-formed limit.
        (
            "[limits.per_service]\n\"carrier\" = \"10/60\"\n",
            "limits.per_service",
        ),
        (
            "[limits.per_service]\n\"carrier-invoices\" = \"ten\"\n",
            "limits.per_service",
        ),
        // A cache trusted for minutes would let a revoked licence or consent admit calls.
        ("[cache]\ncheck_ms = 600000\n", "cache.check_ms"),
        (
            "[listen]\ntrusted_proxies = [\"not-an-ip\"]\n",
            "listen.trusted_proxies",
        ),
    ];
    for (file, field) in cases {
        let out = check(dir.path(), file, &[], &[]);
        let err = stderr(&out);
        assert!(!out.status.success(), "{file} was accepted");
        assert!(err.contains(field), "{file}: {err}");
        // The database URL's password is never repeated in the message.
        assert!(!err.contains("root:pw"), "{err}");
        assert!(
            stdout(&out).is_empty(),
            "{file}: nothing printed on a bad value"
        );
    }
}
