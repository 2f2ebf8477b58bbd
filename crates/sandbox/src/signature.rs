//! `X-HangHut-Signature`: lowercase hex HMAC-SHA256 of the exact body bytes with the
//! endpoint's secret, as the document's Node.js verification example computes it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const HEADER: &str = "X-HangHut-Signature";

pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of a received signature, for receivers written in Rust (tests, proxy).
pub fn verify(secret: &str, body: &[u8], signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature.trim()) else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_hmac_sha256_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verification_accepts_only_the_same_body_and_secret() {
        let sig = sign("whsec_1", br#"{"id":"evt_1"}"#);
        assert!(verify("whsec_1", br#"{"id":"evt_1"}"#, &sig));
        assert!(!verify("whsec_2", br#"{"id":"evt_1"}"#, &sig));
        assert!(!verify("whsec_1", br#"{"id":"evt_2"}"#, &sig));
        assert!(!verify("whsec_1", br#"{"id":"evt_1"}"#, "zz"));
    }
}
