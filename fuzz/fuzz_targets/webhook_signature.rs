//! The `X-HangHut-Signature` check (`tessera_proxy::webhook::verify`). Input: the header value
//! up to the first newline, the raw body after it. Never panics; accepts a header only when it
//! is the body's HMAC; always accepts the body's own signature.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_proxy::webhook::{sign, verify, SignatureError};

const SECRET: &[u8] = b"It's a Secret to Everybody";

fuzz_target!(|data: &[u8]| {
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    // HeaderValue::to_str only yields visible ASCII; the check must still survive any UTF-8.
    let Ok(header) = std::str::from_utf8(header) else { return };
    let expected = sign(SECRET, body);
    match verify(SECRET, body, Some(header)) {
        Ok(()) => assert!(header.trim().eq_ignore_ascii_case(&expected), "accepted a wrong signature"),
        Err(SignatureError::Missing) => assert!(header.trim().is_empty()),
        Err(_) => assert!(!header.trim().eq_ignore_ascii_case(&expected), "refused the right signature"),
    }
    assert_eq!(verify(SECRET, body, Some(&expected)), Ok(()));
    assert_eq!(verify(SECRET, body, None), Err(SignatureError::Missing));
});
