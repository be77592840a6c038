//! The 24-character verification field of the left QR code (`docs/domain.md` §7): the invoice
//! number and random code, AES-128-CBC encrypted with the seller's QR seed key and a fixed IV,
//! PKCS#7 padded, Base64 encoded.

use std::fmt;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::RandomCode;
use crate::{InvalidValue, InvoiceNumber};

type Encryptor = cbc::Encryptor<aes::Aes128>;
type Decryptor = cbc::Decryptor<aes::Aes128>;

/// The IV every seller uses, fixed by the spec: Base64 `Dt8lyToo17X/XkXaQvihuA==`.
pub const QR_IV: [u8; 16] = [
    0x0e, 0xdf, 0x25, 0xc9, 0x3a, 0x28, 0xd7, 0xb5, 0xff, 0x5e, 0x45, 0xda, 0x42, 0xf8, 0xa1, 0xb8,
];

/// The IV as the spec prints it.
pub const QR_IV_BASE64: &str = "Dt8lyToo17X/XkXaQvihuA==";

/// The length of the verification field: 14 bytes pad to one 16-byte block, 24 in Base64.
pub const VERIFICATION_LEN: usize = 24;

/// A seller's QR code seed key (種子密碼): 16 bytes, written as 32 hex digits.
///
/// A secret: its `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct QrSeedKey([u8; 16]);

impl QrSeedKey {
    /// Parses 32 hex digits, either case, e.g. `FE05F029154F6AA67A78B338ED2F6601`.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let err = |p: &str| InvalidValue::new("QR seed key", p);
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            // The key is secret: say what is wrong without echoing it.
            return Err(err(&format!(
                "expected 32 hex digits, got {} characters{}",
                text.chars().count(),
                if text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    ""
                } else {
                    " including non-hex ones"
                }
            )));
        }
        let mut raw = [0u8; 16];
        hex::decode_to_slice(text, &mut raw).map_err(|_| err("expected 32 hex digits"))?;
        Ok(Self(raw))
    }

    /// A key from its 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
}

impl fmt::Debug for QrSeedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QrSeedKey(***)")
    }
}

/// Encrypts any plaintext the way the verification field is made; the field itself is
/// [`encrypt_verification`].
pub fn encrypt(key: &QrSeedKey, plaintext: &[u8]) -> String {
    let cipher = Encryptor::new(&key.0.into(), &QR_IV.into());
    STANDARD.encode(cipher.encrypt_padded_vec_mut::<Pkcs7>(plaintext))
}

/// Decrypts a Base64 field made by [`encrypt`].
pub fn decrypt(key: &QrSeedKey, field: &str) -> Result<Vec<u8>, InvalidValue> {
    let err = |p: &str| InvalidValue::new("encrypted verification", p);
    let bytes = STANDARD
        .decode(field)
        .map_err(|_| err("not valid Base64"))?;
    let cipher = Decryptor::new(&key.0.into(), &QR_IV.into());
    cipher
        .decrypt_padded_vec_mut::<Pkcs7>(&bytes)
        .map_err(|_| err("does not decrypt with this key (wrong key or damaged field)"))
}

/// The 24-character verification field for an invoice: `encrypt(number + random code)`.
pub fn encrypt_verification(
    key: &QrSeedKey,
    number: &InvoiceNumber,
    random: &RandomCode,
) -> String {
    encrypt(key, format!("{number}{random}").as_bytes())
}

/// The invoice number and random code a verification field decrypts to.
pub fn decrypt_verification(
    key: &QrSeedKey,
    field: &str,
) -> Result<(InvoiceNumber, RandomCode), InvalidValue> {
    let err = |p: &str| InvalidValue::new("encrypted verification", p);
    let plain = decrypt(key, field)?;
    let text = std::str::from_utf8(&plain)
        .ok()
        .filter(|t| t.len() == 14 && t.is_ascii())
        .ok_or_else(|| err("does not decrypt to an invoice number and random code"))?;
    let number = InvoiceNumber::parse(&text[..10]).map_err(|e| err(&e.problem))?;
    let random = RandomCode::parse(&text[10..]).map_err(|e| err(&e.problem))?;
    Ok((number, random))
}

/// Whether `field` is the verification field of this invoice under `key`.
pub fn verify_verification(
    key: &QrSeedKey,
    number: &InvoiceNumber,
    random: &RandomCode,
    field: &str,
) -> bool {
    encrypt_verification(key, number, random) == field
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const VECTORS: [(&str, &str, &str); 3] = [
        (
            "FE05F029154F6AA67A78B338ED2F6601",
            "AB112233449999",
            "ajrLaenbGmyWaZBdJk9diw==",
        ),
        (
            "FE05F029154F6AA67A78B338ED2F6601",
            "AB112233441234",
            "HSIAPvQqx/Fwcr9nLHoi4A==",
        ),
        (
            "0123456789abcdef0123456789abcdef",
            "AB112233449999",
            "qwR3kQVjkG3wm9vRc0OB1Q==",
        ),
    ];

    #[test]
    fn the_iv_is_the_spec_iv() {
        assert_eq!(STANDARD.decode(QR_IV_BASE64).unwrap(), QR_IV);
    }

    #[test]
    fn the_reference_vectors() {
        for (key, plain, cipher) in VECTORS {
            let key = QrSeedKey::parse(key).unwrap();
            let number = InvoiceNumber::parse(&plain[..10]).unwrap();
            let random = RandomCode::parse(&plain[10..]).unwrap();
            let field = encrypt_verification(&key, &number, &random);
            assert_eq!(field, cipher);
            assert_eq!(field.len(), VERIFICATION_LEN);
            assert!(verify_verification(&key, &number, &random, cipher));
            assert_eq!(
                decrypt_verification(&key, cipher).unwrap(),
                (number, random)
            );
            let other = RandomCode::parse("0000").unwrap();
            assert!(!verify_verification(&key, &number, &other, cipher));
        }
    }

    #[test]
    fn bad_keys_and_fields() {
        for bad in [
            "FE05F029154F6AA67A78B338ED2F660",
            "FE05F029154F6AA67A78B338ED2F66011",
            "ZE05F029154F6AA67A78B338ED2F6601",
        ] {
            let e = QrSeedKey::parse(bad).unwrap_err();
            assert_eq!(e.field, "QR seed key");
            assert!(!e.problem.contains(bad), "never echo a key");
        }
        let key = QrSeedKey::parse(VECTORS[2].0).unwrap();
        assert_eq!(format!("{key:?}"), "QrSeedKey(***)");
        assert!(decrypt_verification(&key, "not base64!").is_err());
        // The right shape under the wrong key: padding fails or the text is not a number.
        assert!(decrypt_verification(&key, VECTORS[0].2).is_err());
    }
}
