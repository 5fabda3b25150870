//! GrowthBook's encrypted payloads (the JS SDK's `decrypt`): `IV.CIPHERTEXT`,
//! both base64, AES-CBC with PKCS#7 padding under a base64 key of 128, 192
//! or 256 bits (WebCrypto's `importKey("raw")`); the plain text is UTF-8.

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig};
use base64::{alphabet, Engine};

/// `atob`'s forgiving decoding: white space ignored, `=` padding optional,
/// any other character outside the alphabet an error.
fn forgiving(text: &str) -> Option<Vec<u8>> {
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let compact: String = text.chars().filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\u{c}' | '\r')).collect();
    ENGINE.decode(compact).ok()
}

/// Decrypts `encrypted` with `key`; None where the SDK throws "Failed to decrypt".
pub fn decrypt(encrypted: &str, key: &str) -> Option<String> {
    let key = forgiving(key)?;
    let mut parts = encrypted.split('.');
    let (iv, body) = (forgiving(parts.next()?)?, forgiving(parts.next()?)?);
    let iv: [u8; 16] = iv.try_into().ok()?;
    let mut buf = body;
    let plain = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &iv)
            .ok()?
            .decrypt_padded_mut::<Pkcs7>(&mut buf)
            .ok()?,
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, &iv)
            .ok()?
            .decrypt_padded_mut::<Pkcs7>(&mut buf)
            .ok()?,
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .ok()?
            .decrypt_padded_mut::<Pkcs7>(&mut buf)
            .ok()?,
        _ => return None,
    };
    // TextDecoder replaces what is not UTF-8.
    Some(String::from_utf8_lossy(plain).into_owned())
}
