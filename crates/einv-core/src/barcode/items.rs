//! The text handling behind [`super::qr`]: splitting the item list into `:`-separated tokens with
//! their offsets, Base64 item areas, and the Big5 / UTF-8 bytes of a raw scan.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use encoding_rs::{DecoderResult, BIG5};

use super::qr_layout::{QrError, QrSide};

/// One `:`-separated token of an item list and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub text: String,
    pub side: QrSide,
    pub offset: usize,
}

/// Splits an item area that starts at byte `start` of its code. A trailing `:` ends the last
/// token rather than starting an empty one, as the spec's left code `…:1:105:` shows.
pub(crate) fn tokenize(text: &str, side: QrSide, start: usize) -> Vec<Token> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix(':').unwrap_or(text);
    let mut offset = start;
    body.split(':')
        .map(|piece| {
            let token = Token {
                text: piece.to_owned(),
                side,
                offset,
            };
            offset += piece.len() + 1;
            token
        })
        .collect()
}

/// Joins the left and right codes' tokens. The left code may stop in the middle of a token
/// (then its area does not end with `:`): that token continues at the start of the right code.
pub(crate) fn join(left_area: &str, mut left: Vec<Token>, right: Vec<Token>) -> Vec<Token> {
    let split_mid_token = !left_area.is_empty() && !left_area.ends_with(':');
    let mut right = right.into_iter();
    if split_mid_token {
        if let (Some(last), Some(first)) = (left.last_mut(), right.next()) {
            last.text.push_str(&first.text);
        }
    }
    left.extend(right);
    left
}

/// Decodes Base64 item areas, encoded either per code or once and split across both codes.
/// Each code's area decodes on its own in the first case; in the second only their
/// concatenation does. The bytes are joined before reading them as UTF-8, so a character split
/// between the codes survives.
pub(crate) fn decode_base64(
    left: &str,
    left_start: usize,
    right: Option<&str>,
) -> Result<String, QrError> {
    let err = |problem: &str| QrError::new(QrSide::Left, left_start, "items (Base64)", problem);
    let bytes = match right {
        None => decode_prefix(left),
        Some(right) => match (STANDARD.decode(left), STANDARD.decode(right)) {
            (Ok(mut l), Ok(r)) => {
                l.extend(r);
                l
            }
            _ => STANDARD.decode(format!("{left}{right}")).map_err(|_| {
                err("not valid Base64, neither per code nor split across both codes")
            })?,
        },
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        // Only the left code was read: its last character may continue in the right code.
        Err(e) if right.is_none() => {
            let valid = e.utf8_error().valid_up_to();
            Ok(String::from_utf8_lossy(&e.into_bytes()[..valid]).into_owned())
        }
        Err(_) => Err(err("the Base64 does not decode to UTF-8 text")),
    }
}

/// The bytes of the whole 4-character groups at the start of a Base64 area that continues
/// elsewhere; empty when even they are not Base64.
fn decode_prefix(text: &str) -> Vec<u8> {
    if let Ok(bytes) = STANDARD.decode(text) {
        return bytes;
    }
    let whole = text.len() - text.len() % 4;
    text.get(..whole)
        .and_then(|t| STANDARD.decode(t).ok())
        .unwrap_or_default()
}

/// Encodes an item area in Base64.
pub(crate) fn encode_base64(text: &str) -> String {
    STANDARD.encode(text)
}

/// Reads a raw scan's bytes as UTF-8; the offset of the first bad byte names the problem.
pub(crate) fn utf8_text(bytes: &[u8], side: QrSide) -> Result<String, QrError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        QrError::new(
            side,
            e.utf8_error().valid_up_to(),
            "text",
            "not valid UTF-8",
        )
    })
}

/// Reads a raw scan's bytes as Big5 (encoding 0); the offset of the first bad byte names the
/// problem.
pub(crate) fn big5_text(bytes: &[u8], side: QrSide) -> Result<String, QrError> {
    let mut decoder = BIG5.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => {
            let offset = read.saturating_sub(usize::from(bad) + usize::from(after));
            Err(QrError::new(side, offset, "text", "not valid Big5"))
        }
        // The buffer was sized for the worst case; this is only reached if that bound is wrong.
        DecoderResult::OutputFull => Err(QrError::new(side, read, "text", "Big5 text too long")),
    }
}

/// The Big5 bytes of `text`, or `None` when a character has no Big5 form.
pub(crate) fn big5_bytes(text: &str) -> Option<Vec<u8>> {
    let (bytes, _, unmappable) = BIG5.encode(text);
    (!unmappable).then(|| bytes.into_owned())
}

/// Whether `text` is a plain decimal number such as `1`, `105`, `0.5` or `-20` (a discount).
pub(crate) fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tokens_carry_offsets_and_join_across_codes() {
        let left = tokenize("乾電池:1:10", QrSide::Left, 100);
        assert_eq!(left[1].offset, 110);
        let right = tokenize("5:口罩:1:210", QrSide::Right, 2);
        let joined = join("乾電池:1:10", left, right);
        let texts: Vec<_> = joined.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["乾電池", "1", "105", "口罩", "1", "210"]);
        assert_eq!((joined[3].side, joined[3].offset), (QrSide::Right, 4));
        assert!(tokenize("", QrSide::Left, 0).is_empty());
    }

    #[test]
    fn decimals() {
        for ok in ["1", "105", "0.5", "-20", "1.00"] {
            assert!(is_decimal(ok), "{ok}");
        }
        for bad in ["", "-", "1.", ".5", "1e3", "+1", "1,000", " 1"] {
            assert!(!is_decimal(bad), "{bad}");
        }
    }

    #[test]
    fn big5_errors_name_the_offset() {
        let mut bytes = b"AB".to_vec();
        bytes.extend(big5_bytes("乾電池").unwrap());
        assert_eq!(big5_text(&bytes, QrSide::Left).unwrap(), "AB乾電池");
        bytes.insert(4, 0xFF);
        assert_eq!(big5_text(&bytes, QrSide::Left).unwrap_err().offset, 4);
        assert!(big5_bytes("😀").is_none());
        assert_eq!(utf8_text(b"ab\xffc", QrSide::Right).unwrap_err().offset, 2);
    }
}
