//! What must hold for any input to the import parsers, whatever the bytes: the run ends (at the
//! end of the file, or at a syntax error naming a line inside it), every record is an invoice
//! that passed the domain's checks or a rejection naming its line and field, and nothing
//! panics. The fuzz targets (`fuzz/fuzz_targets/{mig,jsonl}_import.rs`) check it on libFuzzer's
//! inputs; the proptests below on random bytes and on mutations of the seed corpus, so the
//! ordinary test suite checks it too.

use super::{jsonl, mig, FileError, Parsed};

/// Panics when reading `data` as MIG XML breaks a property.
pub fn mig_holds(data: &[u8]) {
    let lines = data.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let mut sink = |p: Parsed| {
        assert!((1..=lines).contains(&p.line), "line {} of {lines}", p.line);
        assert!(p.offset <= data.len() as u64, "offset {}", p.offset);
        if let Err(r) = &p.result {
            assert!(!r.field.is_empty() && !r.reason.is_empty(), "{r:?}");
        }
        Ok(())
    };
    if let Err(FileError::Syntax { line, reason }) = mig::parse(data, &mut sink) {
        assert!(
            (1..=lines).contains(&line),
            "syntax error at {line} of {lines}"
        );
        assert!(!reason.is_empty());
    }
}

/// Panics when reading `data` as JSON Lines breaks a property. A bad line never stops the
/// file: reading from memory with a sink that never refuses always reaches the end.
pub fn jsonl_holds(data: &[u8]) {
    let lines = data.split(|b| *b == b'\n').count() as u64;
    let mut seen = 0u64;
    let mut sink = |p: Parsed| {
        assert!(
            p.line > seen && p.line <= lines,
            "line {} after {seen}",
            p.line
        );
        seen = p.line;
        if let Err(r) = &p.result {
            assert_eq!(r.line, p.line);
            assert!(!r.field.is_empty() && !r.reason.is_empty(), "{r:?}");
        }
        Ok(())
    };
    let read = jsonl::parse(data, &mut sink);
    assert!(read.is_ok(), "an in-memory file reads to its end: {read:?}");
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const MIG_SEEDS: [&[u8]; 3] = [
        include_bytes!("../../../../fuzz/corpus/mig_import/mixed.xml"),
        include_bytes!("../../../../fuzz/corpus/mig_import/f0401_mig41.xml"),
        include_bytes!("../../../../fuzz/corpus/mig_import/f0501_f0701.xml"),
    ];
    const JSONL_SEEDS: [&[u8]; 3] = [
        include_bytes!("../../../../fuzz/corpus/jsonl_import/good_invoice.jsonl"),
        include_bytes!("../../../../fuzz/corpus/jsonl_import/void_and_cancel.jsonl"),
        include_bytes!("../../../../fuzz/corpus/jsonl_import/bom_and_bad_lines.jsonl"),
    ];

    /// A seed with some bytes overwritten and a tail cut off: near-valid input reaches deep
    /// into the parsers, where random bytes rarely get.
    fn mutated(seeds: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
        (
            0..seeds.len(),
            proptest::collection::vec((any::<usize>(), any::<u8>()), 0..12),
            any::<usize>(),
        )
            .prop_map(move |(i, edits, cut)| {
                let mut data = seeds[i].to_vec();
                for (at, byte) in edits {
                    let at = at % data.len();
                    data[at] = byte;
                }
                data.truncate(cut % (data.len() + 1));
                data
            })
    }

    /// Any bytes at all, or one of `seeds` mutated: half the cases each.
    fn inputs(seeds: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..512),
            mutated(seeds)
        ]
    }

    proptest! {
        // 600 cases: 300 of any bytes and 300 mutated seeds, on average.
        #![proptest_config(ProptestConfig::with_cases(600))]

        #[test]
        fn mig_any_bytes_and_mutated_seeds(data in inputs(&MIG_SEEDS)) {
            mig_holds(&data);
        }

        #[test]
        fn jsonl_any_bytes_and_mutated_seeds(data in inputs(&JSONL_SEEDS)) {
            jsonl_holds(&data);
        }
    }

    #[test]
    fn the_seeds_hold() {
        MIG_SEEDS.iter().for_each(|s| mig_holds(s));
        JSONL_SEEDS.iter().for_each(|s| jsonl_holds(s));
    }

    /// Found by libFuzzer: a JSON line with an empty key (`"":"04595257"`) was rejected as an
    /// unknown field with an empty field name.
    #[test]
    fn an_empty_key_is_named_in_the_rejection() {
        jsonl_holds(include_bytes!(
            "../../../../fuzz/corpus/jsonl_import/regression_empty_key.jsonl"
        ));
        jsonl_holds(b"{\"message\":\"cancel\",\"\":\"x\"}\n");
    }
}
