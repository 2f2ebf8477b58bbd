//! Request bodies, read by hand so a bad one gets the document's `{"error": ...}` shape
//! instead of axum's plain-text rejection. The Content-Type is not insisted on.

use super::error::{TwError, TwResult};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tessera_core::{Currency, Money};

pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> TwResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(super::error::missing_fields());
    }
    serde_json::from_slice(bytes).map_err(|e| TwError::BadRequest(format!("Request body is not valid JSON: {e}")))
}

/// A price in major units, as the document's create example sends it (`25`) or as it shows
/// prices (`"25.00"`), in exact minor units.
pub(crate) fn price_minor(value: &Value, currency: Currency, field: &str) -> TwResult<i64> {
    let text = match value {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return Err(TwError::BadRequest(format!("{field} must be a decimal amount such as \"25.00\""))),
    };
    match Money::from_major_str(&text, currency) {
        Ok(m) if m.amount >= 0 => Ok(m.amount),
        Ok(_) => Err(TwError::BadRequest(format!("{field} cannot be negative"))),
        Err(e) => Err(TwError::BadRequest(format!("{field} {text}: {e}"))),
    }
}

/// Minor units as the document writes amounts: `"75.00"`.
pub(crate) fn amount_text(minor: i64, currency: Currency) -> String {
    Money::new(minor, currency).to_major_string()
}
