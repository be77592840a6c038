//! An audit batch's rows, chained after the head and encoded for storage (audit_chain.rs,
//! audit_sqlite.rs and audit_tip.rs store them).

use einv_core::audit::{entry_hash, EntryContent};

use crate::{StoreError, StoreResult};

/// One audit row, chained and encoded.
pub(crate) struct ChainedRow<'a> {
    pub(crate) seq: i64,
    pub(crate) entry: &'a EntryContent,
    pub(crate) invoices: String,
    pub(crate) prev_hash: String,
    pub(crate) hash: String,
}

/// `entries` chained after the head `(seq, prev)`, in order, each with its encoded invoices.
pub(crate) fn chain(
    entries: &[EntryContent],
    mut seq: i64,
    mut prev: String,
) -> StoreResult<Vec<ChainedRow<'_>>> {
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let hash = entry_hash(&prev, seq, e);
        let invoices = invoices_json(&e.invoices)?;
        let prev_hash = std::mem::replace(&mut prev, hash.clone());
        rows.push(ChainedRow {
            seq,
            entry: e,
            invoices,
            prev_hash,
            hash,
        });
    }
    Ok(rows)
}

/// The invoice numbers as the JSON array serde_json writes. A carrier list's entry carries
/// dozens, none with a character JSON escapes: those are written as they are, in one buffer,
/// instead of through the serializer's per-byte escaping (every v1 data call stores one).
fn invoices_json(numbers: &[String]) -> StoreResult<String> {
    // serde_json escapes exactly the control characters, `"` and `\`.
    let plain = |n: &String| n.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
    if !numbers.iter().all(plain) {
        return serde_json::to_string(numbers)
            .map_err(|err| StoreError::corrupt("audit_log", "invoices", err.to_string()));
    }
    let mut out = String::with_capacity(2 + numbers.iter().map(|n| n.len() + 3).sum::<usize>());
    out.push('[');
    for (i, number) in numbers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(number);
        out.push('"');
    }
    out.push(']');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::invoices_json;

    #[test]
    fn invoice_lists_are_the_json_serde_writes() {
        let lists: [&[&str]; 5] = [
            &[],
            &["AB12345678"],
            &["AB12345678", "CD00000001", "\u{7f}發票"],
            &["A\"B", "C\\D"],
            &["tab\there", "new\nline"],
        ];
        for list in lists {
            let owned: Vec<String> = list.iter().map(|s| (*s).to_owned()).collect();
            let expected = serde_json::to_string(&owned).unwrap();
            assert_eq!(invoices_json(&owned).unwrap(), expected);
        }
    }
}
