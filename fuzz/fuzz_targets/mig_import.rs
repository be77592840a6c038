//! MIG XML import (`einv import`, `einv_cli::ingest::mig`): any bytes are read to the end or
//! stopped with a syntax error naming a line; every record is either an invoice that passed
//! `Invoice::new` or a rejection naming its line and field. Nothing panics.
#![no_main]

use einv_cli::ingest::{mig, FileError, Parsed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let lines = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let mut sink = |p: Parsed| {
        assert!((1..=lines).contains(&p.line), "line {} of {lines}", p.line);
        assert!(p.offset <= data.len() as u64);
        if let Err(r) = &p.result {
            assert!(!r.field.is_empty() && !r.reason.is_empty(), "{r:?}");
        }
        Ok(())
    };
    if let Err(FileError::Syntax { line, reason }) = mig::parse(data, &mut sink) {
        assert!((1..=lines).contains(&line), "syntax error at line {line} of {lines}");
        assert!(!reason.is_empty());
    }
});
