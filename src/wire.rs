//! The proxy's JSON, read from and written to the browser's own `JSON.parse` values.
//!
//! Why not serde here: decoding an event through serde-wasm-bindgen cost the widget about
//! 24 KB of brotli (visitors, error messages, float formatting), more than any component. The
//! types and their rules still come from `tessera-core` (ids, currencies and codes are parsed
//! by its constructors); only the walk over the JSON is written out. `tests/web.rs` feeds
//! this module what the proxy's serde produces, so the two cannot drift apart unnoticed.

use js_sys::{Array, Object, Reflect};
use tessera_core::{
    AppliedPromo, CheckoutRequest, Currency, Discount, Event, EventId, EventStatus, EventSummary, Field, FieldError,
    Money, Problem, PromoCode, Resale, Snapshot, SoldElsewhere, Tier, TierCount, TierId,
};
use wasm_bindgen::JsValue;

/// A value that can be read from parsed JSON; `None` when the shape is wrong.
pub trait FromJs: Sized {
    fn from_js(v: &JsValue) -> Option<Self>;
}

/// A value written as plain JSON data (for `JSON.stringify` or a CustomEvent's detail).
pub trait ToJs {
    fn to_js(&self) -> JsValue;
}

/// `JSON.parse(text)` read as `T`.
pub fn parse<T: FromJs>(text: &str) -> Option<T> {
    T::from_js(&js_sys::JSON::parse(text).ok()?)
}

/// `JSON.stringify` of `value`.
pub fn stringify(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok().map(String::from)
}

fn get(v: &JsValue, key: &str) -> JsValue {
    if !v.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn string(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

/// Absent and `null` are `None`; anything else must be a string.
pub fn optional_string(v: &JsValue, key: &str) -> Option<Option<String>> {
    let value = get(v, key);
    if value.is_undefined() || value.is_null() {
        return Some(None);
    }
    value.as_string().map(Some)
}

fn integer(value: &JsValue, min: f64, max: f64) -> Option<f64> {
    value.as_f64().filter(|n| n.fract() == 0.0 && (min..=max).contains(n))
}

/// A whole number that fits a `u32`.
fn unsigned(value: &JsValue) -> Option<u32> {
    integer(value, 0.0, f64::from(u32::MAX)).map(|n| n as u32)
}

pub fn count(v: &JsValue, key: &str) -> Option<u32> {
    unsigned(&get(v, key))
}

fn optional<T>(v: &JsValue, key: &str, read: impl Fn(&JsValue) -> Option<T>) -> Option<Option<T>> {
    let value = get(v, key);
    if value.is_undefined() || value.is_null() {
        return Some(None);
    }
    read(&value).map(Some)
}

/// A flag serde leaves out when false: absent and `null` are `false`; anything else must be a boolean.
pub fn flag(v: &JsValue, key: &str) -> Option<bool> {
    optional(v, key, JsValue::as_bool).map(Option::unwrap_or_default)
}

pub fn list<T: FromJs>(v: &JsValue, key: &str) -> Option<Vec<T>> {
    // A plain loop: `iter().map().collect::<Option<_>>()` costs about 1 KB of wasm per `T`.
    let items = array(v, key)?;
    let mut out = Vec::new();
    for i in 0..items.length() {
        out.push(T::from_js(&items.get(i))?);
    }
    Some(out)
}

fn array(v: &JsValue, key: &str) -> Option<Array> {
    let value = get(v, key);
    Array::is_array(&value).then(|| value.into())
}

/// A plain object with `pairs`; `undefined` values are left out, as serde skips `None`.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (key, value) in pairs {
        if !value.is_undefined() {
            let _ = Reflect::set(&o, &JsValue::from_str(key), value);
        }
    }
    o.into()
}

pub fn str_or_null(s: Option<&str>) -> JsValue {
    s.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

impl FromJs for Money {
    fn from_js(v: &JsValue) -> Option<Self> {
        // Minor units arrive as a JSON number: only exact integers are money.
        let amount = integer(&get(v, "amount"), -9_007_199_254_740_991.0, 9_007_199_254_740_991.0)?;
        let currency = Currency::parse(&string(v, "currency")?).ok()?;
        Some(Money::new(amount as i64, currency))
    }
}

impl ToJs for Money {
    fn to_js(&self) -> JsValue {
        object(&[("amount", JsValue::from_f64(self.amount as f64)), ("currency", self.currency.code().into())])
    }
}

impl FromJs for Tier {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Tier {
            id: TierId::parse(&string(v, "id")?).ok()?,
            name: string(v, "name")?,
            price: Money::from_js(&get(v, "price"))?,
            available: count(v, "available")?,
            min_per_order: optional(v, "min_per_order", unsigned)?,
            max_per_order: optional(v, "max_per_order", unsigned)?,
            sale_opens_at: optional_string(v, "sale_opens_at")?,
            sale_closed: flag(v, "sale_closed")?,
        })
    }
}

impl FromJs for SoldElsewhere {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(SoldElsewhere { platform: string(v, "platform")?, url: optional_string(v, "url")? })
    }
}

impl FromJs for Resale {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Resale { platform: string(v, "platform")?, sold: count(v, "sold")? })
    }
}

fn status(v: &JsValue) -> Option<EventStatus> {
    Some(EventStatus::parse(&string(v, "status")?))
}

impl FromJs for Event {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Event {
            id: EventId::parse(&string(v, "id")?).ok()?,
            title: string(v, "title")?,
            status: status(v)?,
            start_datetime: string(v, "start_datetime")?,
            venue_name: optional_string(v, "venue_name")?,
            description: optional_string(v, "description")?,
            currency: Currency::parse(&string(v, "currency")?).ok()?,
            tiers: list(v, "tiers")?,
            sold_elsewhere: optional(v, "sold_elsewhere", SoldElsewhere::from_js)?,
            resale: optional(v, "resale", Resale::from_js)?,
        })
    }
}

impl FromJs for EventSummary {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(EventSummary {
            id: EventId::parse(&string(v, "id")?).ok()?,
            title: string(v, "title")?,
            status: status(v)?,
            start_datetime: string(v, "start_datetime")?,
            venue_name: optional_string(v, "venue_name")?,
            lowest_price: optional(v, "lowest_price", Money::from_js)?,
            available: count(v, "available")?,
        })
    }
}

impl FromJs for TierCount {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(TierCount { id: TierId::parse(&string(v, "id")?).ok()?, available: count(v, "available")? })
    }
}

impl FromJs for Snapshot {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(Snapshot { status: status(v)?, tiers: list(v, "tiers")?, stale: get(v, "stale").as_bool() == Some(true) })
    }
}

impl FromJs for AppliedPromo {
    fn from_js(v: &JsValue) -> Option<Self> {
        let d = get(v, "discount");
        let discount = Discount::from_wire(
            &string(&d, "type")?,
            optional(&d, "basis_points", unsigned)?,
            optional(&d, "amount", Money::from_js)?,
        )?;
        Some(AppliedPromo { code: PromoCode::parse(&string(v, "code")?).ok()?, discount })
    }
}

impl FromJs for FieldError {
    fn from_js(v: &JsValue) -> Option<Self> {
        let p = get(v, "problem");
        let limit = optional(&p, "limit", unsigned)?;
        Some(FieldError {
            field: Field::from_wire(&string(v, "field")?)?,
            problem: Problem::from_wire(&string(&p, "kind")?, limit)?,
        })
    }
}

/// `{"error": {"message": …, "fields": [...]}}`, the proxy's error format.
pub struct ErrorBody {
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl FromJs for ErrorBody {
    fn from_js(v: &JsValue) -> Option<Self> {
        let e = get(v, "error");
        let fields = if get(&e, "fields").is_undefined() { Vec::new() } else { list(&e, "fields")? };
        Some(ErrorBody { message: string(&e, "message").unwrap_or_default(), fields })
    }
}

impl ToJs for CheckoutRequest {
    fn to_js(&self) -> JsValue {
        let c = &self.customer;
        let customer = object(&[
            ("name", c.name.as_str().into()),
            ("email", c.email.as_str().into()),
            ("phone", c.phone.as_deref().map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED)),
        ]);
        object(&[
            ("event_id", self.event_id.as_str().into()),
            ("tier_id", self.tier_id.as_str().into()),
            ("quantity", JsValue::from_f64(self.quantity as f64)),
            ("customer", customer),
            ("promo_code", self.promo_code.as_deref().map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED)),
        ])
    }
}
