//! Logging to stderr: text or JSON lines (`logging.format`, `--log-format`), filtered by
//! `RUST_LOG` or else `logging.filter`. A JSON line carries the fields of the spans it is in,
//! so every line logged while answering a request has that request's `request_id`.

use crate::settings::{LogFormat, LoggingSettings};

/// Starts logging as `settings` say. Safe to call twice (the first one stays).
pub fn init_with(settings: &LoggingSettings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&settings.filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
        // Colours only on a terminal: a log file or collector gets plain text.
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
    };
}
