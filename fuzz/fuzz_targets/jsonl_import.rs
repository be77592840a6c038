//! JSON Lines import (`einv import`, `einv_cli::ingest::jsonl`): any bytes are read line by
//! line; each non-blank line is an invoice or status change that passed the domain's checks,
//! or a rejection naming its line and field. Nothing panics, and a bad line never stops the
//! file.
#![no_main]

use einv_cli::ingest::{jsonl, Parsed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.split(|b| *b == b'\n').count() as u64;
    let mut seen = 0u64;
    let mut sink = |p: Parsed| {
        assert!(p.line > seen && p.line <= lines, "line {} after {seen}", p.line);
        seen = p.line;
        if let Err(r) = &p.result {
            assert_eq!(r.line, p.line);
            assert!(!r.field.is_empty() && !r.reason.is_empty(), "{r:?}");
        }
        Ok(())
    };
    // Reading from memory cannot fail, and the sink never refuses: the whole input is read.
    jsonl::parse(data, &mut sink).expect("an in-memory file reads to its end");
});
