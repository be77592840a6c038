//! MIG XML import (`einv import`, `einv_cli::ingest::mig`): any bytes are read to the end or
//! stopped with a syntax error naming a line; every record is either an invoice that passed
//! `Invoice::new` or a rejection naming its line and field. Nothing panics. The properties are
//! `einv_cli::ingest::properties::mig_holds`, which the test suite also runs as a proptest.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| einv_cli::ingest::properties::mig_holds(data));
