//! Numbers as decimal text and characters counted, without what std would bring into the
//! widget's wasm for them: `core::fmt` (`Formatter`, padding, `fmt::write`: about 5 KB raw once
//! nothing the widget runs calls `format!` or `to_string` on a number) and the unrolled counting
//! loop of `chars().count()` (bench/RESULTS.md, issue 8).

/// `n` in decimal ("0", "1500").
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in decimal to `out`.
pub fn push_decimal(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// Appends `n` in decimal to `out`, with leading zeros up to `width` digits ("05" for 5, 2).
pub fn push_zero_padded(out: &mut String, n: u64, width: usize) {
    let text = decimal(n);
    for _ in text.len()..width {
        out.push('0');
    }
    out.push_str(&text);
}

/// How many characters `s` has, like `s.chars().count()`, whose unrolled loop is 0.6 KB of wasm
/// for strings of a few dozen characters.
pub fn char_count(s: &str) -> usize {
    // Every character has exactly one byte that is not a UTF-8 continuation byte (10xxxxxx).
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_matches_display() {
        for n in [0, 1, 9, 10, 99, 100, 1_500, 65_535, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn char_count_counts_characters_not_bytes() {
        for s in ["", "abc", "José", "₱1,000", "日本語テキスト", "👩‍💻 dev"] {
            assert_eq!(char_count(s), s.chars().count(), "{s}");
        }
    }

    #[test]
    fn zero_padding_only_fills_to_width() {
        let padded = |n, w| {
            let mut s = String::from("x");
            push_zero_padded(&mut s, n, w);
            s
        };
        assert_eq!(padded(5, 2), "x05");
        assert_eq!(padded(50, 2), "x50");
        assert_eq!(padded(0, 3), "x000");
        assert_eq!(padded(1234, 2), "x1234");
        assert_eq!(padded(7, 0), "x7");
    }
}
