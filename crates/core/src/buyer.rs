//! The buyer's details, parsed once so nothing downstream handles an unchecked string.
//! The widget shows these problems inline; the proxy refuses the same input with 400.

use crate::order::Problem;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerName(String);

impl BuyerName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Problem::Missing);
        }
        if crate::text::char_count(name) > Self::MAX_CHARS {
            return Err(Problem::TooLong(Self::MAX_CHARS as u32));
        }
        if name.chars().any(char::is_control) {
            return Err(Problem::Invalid);
        }
        Ok(BuyerName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address tickets can be delivered to. Deliberately permissive (one '@', a dotted
/// domain, no spaces): the platform sends the real confirmation mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// RFC 5321's limit on a forward path.
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, Problem> {
        let email = raw.trim();
        if email.is_empty() {
            return Err(Problem::Missing);
        }
        if email.len() > Self::MAX_CHARS {
            return Err(Problem::TooLong(Self::MAX_CHARS as u32));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(Problem::Invalid);
        };
        // No empty label: not ".example.com", "example.com." or "example..com". Char patterns
        // only, as the widget runs this too: a `&str` one brings a string searcher into its wasm.
        let domain_ok = domain.contains('.') && !domain.split('.').any(str::is_empty) && !domain.contains('@');
        let chars_ok = !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '(' | ')' | ',' | ';'));
        if local.is_empty() || !domain_ok || !chars_ok {
            return Err(Problem::Invalid);
        }
        Ok(Email(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional phone number: digits with the usual separators, 6 to 15 digits (E.164).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Empty input means "no phone", which is allowed.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, Problem> {
        let phone = raw.map(str::trim).unwrap_or("");
        if phone.is_empty() {
            return Ok(None);
        }
        let allowed = phone.bytes().all(|b| b.is_ascii_digit() || b" +-().".contains(&b));
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let plus_ok = phone.rfind('+').is_none_or(|i| i == 0);
        if !allowed || !plus_ok || !(6..=15).contains(&digits) {
            return Err(Problem::Invalid);
        }
        Ok(Some(Phone(phone.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(BuyerName::parse("  Juan Dela Cruz ").unwrap().as_str(), "Juan Dela Cruz");
        assert_eq!(BuyerName::parse("   "), Err(Problem::Missing));
        assert_eq!(BuyerName::parse(&"a".repeat(101)), Err(Problem::TooLong(100)));
        assert_eq!(BuyerName::parse("a\u{0}b"), Err(Problem::Invalid));
    }

    #[test]
    fn emails_need_one_at_and_a_dotted_domain() {
        assert!(Email::parse("juan@example.com").is_ok());
        assert!(Email::parse("juan+tickets@mail.example.ph").is_ok());
        assert_eq!(Email::parse(""), Err(Problem::Missing));
        for bad in [
            "juan",
            "juan@",
            "@example.com",
            "juan@example",
            "juan@@example.com",
            "ju an@example.com",
            "juan@example..com",
            "juan@.example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::Invalid), "{bad}");
        }
    }

    #[test]
    fn phones_are_optional_but_checked_when_given() {
        assert_eq!(Phone::parse_optional(None), Ok(None));
        assert_eq!(Phone::parse_optional(Some("  ")), Ok(None));
        assert!(Phone::parse_optional(Some("+63 917 123 4567")).unwrap().is_some());
        assert_eq!(Phone::parse_optional(Some("12345")), Err(Problem::Invalid));
        assert_eq!(Phone::parse_optional(Some("call me")), Err(Problem::Invalid));
        assert_eq!(Phone::parse_optional(Some("63+917123456")), Err(Problem::Invalid));
    }
}
