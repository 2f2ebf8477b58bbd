//! serde through the browser's own `JSON` (serde-wasm-bindgen): the widget's one way between
//! tessera-core's serde types and JavaScript values. Measured against serde_json for the same
//! widget: 12 KB less brotli (bench/RESULTS.md, issue 18).

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// `value` as plain JavaScript data: objects, not Maps, and `null` for `None`, as JSON has it.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// `JSON.stringify` of `value`.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    js_sys::JSON::stringify(&to_js(value)).ok().map(String::from)
}

pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value).ok()
}

/// `JSON.parse` of `text`, as `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_js(js_sys::JSON::parse(text).ok()?)
}
