//! Webhook signatures. HangHut signs each delivery with `X-HangHut-Signature`: the hex
//! HMAC-SHA256 of the raw body under the webhook secret (shared/seeds/hanghut-api.txt).
//! The comparison is constant-time (`Mac::verify_slice`) and the length is checked first.

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing")]
    Missing,
    #[error("the signature header is not a hex SHA-256 HMAC")]
    Malformed,
    #[error("the signature does not match the body")]
    Mismatch,
}

pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

pub fn verify(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), SignatureError> {
    let header = header.map(str::trim).filter(|h| !h.is_empty()).ok_or(SignatureError::Missing)?;
    if header.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    let given = hex::decode(header).map_err(|_| SignatureError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"It's a Secret to Everybody";
    const BODY: &[u8] = b"Hello, World!";
    const KNOWN: &str = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    #[test]
    fn known_answer_vector() {
        assert_eq!(sign(SECRET, BODY), KNOWN);
        assert_eq!(verify(SECRET, BODY, Some(KNOWN)), Ok(()));
        assert_eq!(verify(SECRET, BODY, Some(&KNOWN.to_uppercase())), Ok(()));
    }

    #[test]
    fn wrong_truncated_empty_and_missing_signatures_are_refused() {
        assert_eq!(verify(SECRET, b"Hello, World?", Some(KNOWN)), Err(SignatureError::Mismatch));
        assert_eq!(verify(b"other", BODY, Some(KNOWN)), Err(SignatureError::Mismatch));
        assert_eq!(verify(SECRET, BODY, Some(&KNOWN[..63])), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, BODY, Some(&KNOWN[..32])), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, BODY, Some(&"zz".repeat(32))), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, BODY, Some("")), Err(SignatureError::Missing));
        assert_eq!(verify(SECRET, BODY, None), Err(SignatureError::Missing));
    }
}
