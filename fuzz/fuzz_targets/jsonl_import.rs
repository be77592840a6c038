//! JSON Lines import (`einv import`, `einv_cli::ingest::jsonl`): any bytes are read line by
//! line; each non-blank line is an invoice or status change that passed the domain's checks,
//! or a rejection naming its line and field. Nothing panics, and a bad line never stops the
//! file. The properties are `einv_cli::ingest::properties::jsonl_holds`, which the test suite
//! also runs as a proptest.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| einv_cli::ingest::properties::jsonl_holds(data));
