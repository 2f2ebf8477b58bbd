//! Promo codes: `POST /promo-codes` as in the HangHut document, plus two sandbox extensions
//! for tests and admins (`GET` and `PUT /promo-codes/:id`), and the rules a checkout applies.
//!
//! Codes are stored trimmed and upper-cased (`PromoCode::parse`), so matching is
//! case-insensitive and unique per event. Discounts are `tessera_core::Discount`: a
//! percentage in basis points or a fixed amount in centavos, priced by `Discount::of`, the
//! rule tessera's widget previews with.
//!
//! Uses: an open, unexpired checkout session holding a code *reserves* one use; paying it
//! *counts* the use (`usage_count += 1`); cancelling or expiry releases the reservation. A
//! code is used up when `usage_count` + reservations reaches `usage_limit`, checked in the
//! checkout's `BEGIN IMMEDIATE` transaction so two buyers cannot both get the last use.
//! A session keeps the price it was opened with even if its code is deactivated or expires
//! before it is paid, as it keeps its seats.

use crate::clock::{from_millis, rfc3339};
use crate::error::{Result, SandboxError};
use crate::events::event_not_found;
use crate::json_body::{object, optional_int, optional_number, optional_str, required_str};
use crate::price::{from_major_number, money, percent_number, to_major_number};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Number, Value};
use tessera_core::{Discount, EventId, MoneyError, PromoCode, PromoProblem, PromoRule};

pub(crate) const PERCENTAGE: &str = "percentage";
pub(crate) const FIXED_AMOUNT: &str = "fixed_amount";

/// Fields `PUT /promo-codes/:id` accepts.
pub(crate) const UPDATABLE: [&str; 1] = ["is_active"];

/// The checkout refusals, worded as the `promo_code` field of `POST /checkouts`.
pub(crate) const NOT_VALID: &str = "promo_code is not valid for this event";
pub(crate) const NOT_ACTIVE: &str = "promo_code is no longer active";
pub(crate) const EXPIRED: &str = "promo_code has expired";
pub(crate) const USED_UP: &str = "promo_code has reached its usage limit";

fn bad(message: impl Into<String>) -> SandboxError {
    SandboxError::BadRequest(message.into())
}

/// A validated `POST /promo-codes` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NewPromoCode {
    pub event_id: String,
    pub code: PromoCode,
    pub discount: Discount,
    pub usage_limit: Option<u32>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewPromoCode {
    /// Checks fields in the document's order and reports the first problem, naming the field.
    /// Whether the event exists is checked against the database by `create` (404).
    pub(crate) fn from_json(body: &Value) -> Result<NewPromoCode> {
        let obj = object(body, "Request body")?;
        let event_id = required_str(obj, "event_id", "event_id")?;
        if uuid::Uuid::try_parse(&event_id).is_err() {
            return Err(bad("event_id must be a UUID, like 8db0f243-2e64-4c41-9e36-6d497ab07f8f"));
        }
        let code = required_str(obj, "code", "code")?;
        let code = PromoCode::parse(&code).map_err(|p| {
            bad(match p {
                PromoProblem::TooShort => "code must be at least 3 characters",
                PromoProblem::TooLong => "code must be at most 40 characters",
                _ => "code may contain only letters, digits, '-' and '_'",
            })
        })?;
        let discount_type = match optional_str(obj, "discount_type", "discount_type")?.as_deref() {
            None => return Err(bad("discount_type is required")),
            Some(PERCENTAGE) => PERCENTAGE,
            Some(FIXED_AMOUNT) => FIXED_AMOUNT,
            Some(_) => return Err(bad("discount_type must be \"percentage\" or \"fixed_amount\"")),
        };
        let amount = optional_number(obj, "discount_amount", "discount_amount")?
            .ok_or_else(|| bad("discount_amount is required"))?;
        let discount = parse_discount(discount_type, amount)?;
        let usage_limit = match optional_int(obj, "usage_limit", "usage_limit", 1)? {
            None => None,
            Some(n) => Some(
                u32::try_from(n).map_err(|_| bad(format!("usage_limit must be an integer from 1 to {}", u32::MAX)))?,
            ),
        };
        let expires_at = optional_str(obj, "expires_at", "expires_at")?
            .map(|raw| {
                DateTime::parse_from_rfc3339(&raw).map(|t| t.with_timezone(&Utc)).map_err(|_| {
                    bad("expires_at must be an ISO 8601 date-time with a UTC offset, like 2026-04-01T00:00:00Z")
                })
            })
            .transpose()?;
        Ok(NewPromoCode { event_id, code, discount, usage_limit, expires_at })
    }
}

/// `discount_amount` by its type: a percentage more than 0 and at most 100 with at most two
/// decimals, or a fixed amount in pesos (major units, like prices) of at least one centavo.
/// The number's own text is converted, so no value passes through floating point.
fn parse_discount(discount_type: &str, amount: &Number) -> Result<Discount> {
    let text = amount.to_string();
    if discount_type == PERCENTAGE {
        let range = || bad("discount_amount must be more than 0 and at most 100 for a percentage discount");
        if text.starts_with('-') {
            return Err(range());
        }
        return Discount::percentage(&text).map_err(|e| match e {
            tessera_core::promo::DiscountError::OutOfRange => range(),
            tessera_core::promo::DiscountError::TooPrecise => {
                bad("discount_amount must have at most 2 decimal places for a percentage discount")
            }
            tessera_core::promo::DiscountError::NotANumber => {
                bad("discount_amount must be a plain decimal number, like 20 or 12.5")
            }
        });
    }
    let minor = from_major_number(amount).map_err(|e| match e {
        MoneyError::TooPrecise => {
            bad("discount_amount must have at most 2 decimal places (centavos) for a fixed amount")
        }
        MoneyError::Overflow => bad("discount_amount is too large"),
        _ => bad("discount_amount must be a plain decimal number of pesos, like 150 or 99.50"),
    })?;
    Discount::fixed_amount(money(minor)).map_err(|_| bad("discount_amount must be more than 0 for a fixed amount"))
}

/// How a discount is stored: its type and an integer (basis points or centavos).
fn stored(discount: &Discount) -> (&'static str, i64) {
    match discount {
        Discount::Percentage { basis_points } => (PERCENTAGE, i64::from(*basis_points)),
        Discount::FixedAmount { amount } => (FIXED_AMOUNT, amount.amount),
    }
}

/// The stored form back as a `Discount`; refuses rows no API call could have written.
pub(crate) fn discount_from_stored(discount_type: &str, value: i64) -> Result<Discount> {
    let discount = match discount_type {
        PERCENTAGE => u32::try_from(value).ok().and_then(|bp| Discount::percentage_bp(bp).ok()),
        FIXED_AMOUNT => Discount::fixed_amount(money(value)).ok(),
        _ => None,
    };
    discount.ok_or_else(|| SandboxError::Internal(format!("stored promo discount {discount_type} {value} is invalid")))
}

/// A promo code as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PromoCodeView {
    pub id: String,
    pub event_id: String,
    pub code: String,
    pub discount: Discount,
    pub usage_limit: Option<i64>,
    /// Paid uses; open sessions' reservations are not counted here.
    pub usage_count: i64,
    pub is_active: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

impl PromoCodeView {
    /// The document's `POST /promo-codes` response plus `event_id` and `expires_at`; the
    /// sandbox's `GET`/`PUT /promo-codes/:id` answer the same shape.
    pub(crate) fn to_json(&self) -> Value {
        let (discount_type, amount) = match self.discount {
            Discount::Percentage { basis_points } => (PERCENTAGE, percent_number(basis_points)),
            Discount::FixedAmount { amount } => (FIXED_AMOUNT, to_major_number(amount.amount)),
        };
        json!({
            "id": self.id,
            "event_id": self.event_id,
            "code": self.code,
            "discount_type": discount_type,
            "discount_amount": amount,
            "usage_limit": self.usage_limit,
            "usage_count": self.usage_count,
            "is_active": self.is_active,
            "expires_at": self.expires_at.map(rfc3339),
        })
    }
}

const COLUMNS: &str =
    "id, event_id, code, discount_type, discount_value, usage_limit, usage_count, is_active, expires_at_ms";

/// A row of `COLUMNS`, with the discount still in its stored form.
struct RawCode {
    view: PromoCodeView,
    discount_type: String,
    discount_value: i64,
}

fn raw_from_row(r: &Row<'_>) -> rusqlite::Result<RawCode> {
    Ok(RawCode {
        view: PromoCodeView {
            id: r.get(0)?,
            event_id: r.get(1)?,
            code: r.get(2)?,
            // Replaced by `into_view` with the stored discount.
            discount: Discount::Percentage { basis_points: 1 },
            usage_limit: r.get(5)?,
            usage_count: r.get(6)?,
            is_active: r.get(7)?,
            expires_at: r.get::<_, Option<i64>>(8)?.map(from_millis),
        },
        discount_type: r.get(3)?,
        discount_value: r.get(4)?,
    })
}

impl RawCode {
    fn into_view(self) -> Result<PromoCodeView> {
        let discount = discount_from_stored(&self.discount_type, self.discount_value)?;
        Ok(PromoCodeView { discount, ..self.view })
    }
}

pub(crate) fn promo_code_not_found() -> SandboxError {
    SandboxError::NotFound("Promo code not found".into())
}

/// Stores a new code for an existing event: 404 for an unknown event, 409 when the event
/// already has this code (in any letter case).
pub(crate) fn create(conn: &mut Connection, new: &NewPromoCode, now: DateTime<Utc>) -> Result<PromoCodeView> {
    let tx = crate::db::immediate(conn)?;
    let event_exists: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM events WHERE id = ?1)", [&new.event_id], |r| r.get(0))?;
    if !event_exists {
        return Err(event_not_found());
    }
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM promo_codes WHERE event_id = ?1 AND code = ?2)",
        params![new.event_id, new.code.as_str()],
        |r| r.get(0),
    )?;
    if taken {
        return Err(SandboxError::Conflict(format!("Promo code {} already exists for this event", new.code)));
    }
    let id = format!("pc_{}", uuid::Uuid::new_v4().simple());
    let (discount_type, discount_value) = stored(&new.discount);
    tx.execute(
        "INSERT INTO promo_codes (id, event_id, code, discount_type, discount_value, usage_limit, usage_count,
                                  is_active, expires_at_ms, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 1, ?7, ?8)",
        params![
            id,
            new.event_id,
            new.code.as_str(),
            discount_type,
            discount_value,
            new.usage_limit,
            new.expires_at.map(|t| t.timestamp_millis()),
            rfc3339(now)
        ],
    )?;
    let view = find(&tx, &id)?;
    tx.commit()?;
    Ok(view)
}

/// Sandbox extension: `GET /promo-codes/:id`.
pub(crate) fn find(conn: &Connection, id: &str) -> Result<PromoCodeView> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM promo_codes WHERE id = ?1"), [id], raw_from_row)
        .optional()?
        .ok_or_else(promo_code_not_found)?
        .into_view()
}

/// The body of `PUT /promo-codes/:id`: exactly `{"is_active": true|false}`.
pub(crate) fn parse_update(body: &Value) -> Result<bool> {
    let obj = object(body, "Request body")?;
    if let Some(unknown) = obj.keys().find(|k| !UPDATABLE.contains(&k.as_str())) {
        return Err(bad(format!("Unknown field '{unknown}'. Fields you can change: {}", UPDATABLE.join(", "))));
    }
    match obj.get("is_active") {
        None | Some(Value::Null) => Err(bad("is_active is required")),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad("is_active must be true or false")),
    }
}

/// Sandbox extension: `PUT /promo-codes/:id` turns a code on or off. Open sessions that
/// already hold it keep their price.
pub(crate) fn set_active(conn: &mut Connection, id: &str, is_active: bool) -> Result<PromoCodeView> {
    let tx = crate::db::immediate(conn)?;
    let changed = tx.execute("UPDATE promo_codes SET is_active = ?2 WHERE id = ?1", params![id, is_active])?;
    if changed == 0 {
        return Err(promo_code_not_found());
    }
    let view = find(&tx, id)?;
    tx.commit()?;
    Ok(view)
}

/// A code a checkout may use, with what it takes off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ReservedCode {
    pub id: String,
    pub code: PromoCode,
    pub discount: Discount,
}

/// Finds `raw` (as typed) among `event_id`'s codes and checks that one more use fits,
/// counting open unexpired sessions as reservations. Call inside the transaction that
/// inserts the session, after `expire_stale`, so the check and the reservation are one step.
pub(crate) fn reserve(conn: &Connection, event_id: &str, raw: &str, now: DateTime<Utc>) -> Result<ReservedCode> {
    let not_valid = || bad(NOT_VALID);
    let code = PromoCode::parse(raw).map_err(|_| not_valid())?;
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM promo_codes WHERE event_id = ?1 AND code = ?2"),
            params![event_id, code.as_str()],
            raw_from_row,
        )
        .optional()?
        .ok_or_else(not_valid)?
        .into_view()?;
    let reserved: i64 = conn.query_row(
        "SELECT COUNT(*) FROM checkout_sessions WHERE promo_code_id = ?1 AND status = 'open' AND expires_at_ms >= ?2",
        params![found.id, now.timestamp_millis()],
        |r| r.get(0),
    )?;
    let clamp = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let rule = PromoRule {
        code: code.clone(),
        event_id: EventId::parse(event_id).map_err(|_| not_valid())?,
        discount: found.discount,
        usage_limit: found.usage_limit.map(clamp),
        usage_count: clamp(found.usage_count.saturating_add(reserved)),
        expires_at: found.expires_at,
        is_active: found.is_active,
    };
    let event = rule.event_id.clone();
    let applied = rule.check(&event, now).map_err(|problem| match problem {
        PromoProblem::Inactive => bad(NOT_ACTIVE),
        PromoProblem::Expired => bad(EXPIRED),
        PromoProblem::UsedUp => SandboxError::Conflict(USED_UP.into()),
        _ => not_valid(),
    })?;
    Ok(ReservedCode { id: found.id, code: applied.code, discount: applied.discount })
}

/// Counts a paid session's use; called in the payment's transaction.
pub(crate) fn count_use(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("UPDATE promo_codes SET usage_count = usage_count + 1 WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    fn seeded() -> crate::db::Db {
        let db = crate::db::in_memory();
        db.blocking(|c| seed::insert_if_empty(c, Utc::now())).unwrap();
        db
    }

    fn body() -> Value {
        json!({"event_id": seed::JAZZ_NIGHT, "code": "EarlyBird", "discount_type": "percentage",
               "discount_amount": 20, "usage_limit": 50, "expires_at": "2026-04-01T08:00:00+08:00"})
    }

    fn problem(change: impl FnOnce(&mut Value)) -> String {
        let mut b = body();
        change(&mut b);
        NewPromoCode::from_json(&b).unwrap_err().to_string()
    }

    fn remove(key: &'static str) -> impl FnOnce(&mut Value) {
        move |b| {
            b.as_object_mut().unwrap().remove(key);
        }
    }

    #[test]
    fn a_complete_body_parses_with_the_code_upper_cased() {
        let new = NewPromoCode::from_json(&body()).unwrap();
        assert_eq!(new.code.as_str(), "EARLYBIRD");
        assert_eq!(new.discount, Discount::Percentage { basis_points: 2000 });
        assert_eq!(new.usage_limit, Some(50));
        assert_eq!(new.expires_at.map(rfc3339).as_deref(), Some("2026-04-01T00:00:00Z"));
        let fixed = NewPromoCode::from_json(&json!({"event_id": seed::JAZZ_NIGHT, "code": "save150",
            "discount_type": "fixed_amount", "discount_amount": 150}))
        .unwrap();
        assert_eq!(fixed.discount, Discount::FixedAmount { amount: money(15_000) });
        assert_eq!((fixed.usage_limit, fixed.expires_at), (None, None));
    }

    #[test]
    fn each_invalid_field_gets_its_own_message() {
        assert_eq!(problem(remove("event_id")), "event_id is required");
        assert!(problem(|b| b["event_id"] = json!("jazz")).starts_with("event_id must be a UUID"));
        assert_eq!(problem(remove("code")), "code is required");
        assert_eq!(problem(|b| b["code"] = json!("ab")), "code must be at least 3 characters");
        assert_eq!(problem(|b| b["code"] = json!(" ab ")), "code must be at least 3 characters");
        assert_eq!(problem(|b| b["code"] = json!("two words")), "code may contain only letters, digits, '-' and '_'");
        assert_eq!(problem(|b| b["code"] = json!(12345)), "code must be a string");
        assert_eq!(problem(remove("discount_type")), "discount_type is required");
        assert_eq!(
            problem(|b| b["discount_type"] = json!("percent")),
            "discount_type must be \"percentage\" or \"fixed_amount\""
        );
        assert_eq!(problem(remove("discount_amount")), "discount_amount is required");
        assert_eq!(problem(|b| b["discount_amount"] = json!("20")), "discount_amount must be a number");
        let pct_range = "discount_amount must be more than 0 and at most 100 for a percentage discount";
        for bad_pct in [json!(0), json!(101), json!(100.01), json!(-5), json!(0.0)] {
            assert_eq!(problem(|b| b["discount_amount"] = bad_pct.clone()), pct_range, "{bad_pct}");
        }
        assert_eq!(
            problem(|b| b["discount_amount"] = json!(12.345)),
            "discount_amount must have at most 2 decimal places for a percentage discount"
        );
        assert_eq!(problem(|b| b["usage_limit"] = json!(0)), "usage_limit must be an integer of at least 1");
        assert_eq!(problem(|b| b["usage_limit"] = json!(2.5)), "usage_limit must be an integer of at least 1");
        assert!(problem(|b| b["usage_limit"] = json!(5_000_000_000_i64)).starts_with("usage_limit must be an integer"));
        assert!(problem(|b| b["expires_at"] = json!("next week")).starts_with("expires_at must be an ISO 8601"));
        assert!(problem(|b| b["expires_at"] = json!("2026-04-01")).starts_with("expires_at must be an ISO 8601"));
    }

    #[test]
    fn percentages_may_be_fractional_and_up_to_one_hundred() {
        let pct = |v: Value| {
            let mut b = body();
            b["discount_amount"] = v;
            NewPromoCode::from_json(&b).map(|n| n.discount)
        };
        assert_eq!(pct(json!(100)).unwrap(), Discount::Percentage { basis_points: 10_000 });
        assert_eq!(pct(json!(12.5)).unwrap(), Discount::Percentage { basis_points: 1250 });
        assert_eq!(pct(json!(0.01)).unwrap(), Discount::Percentage { basis_points: 1 });
    }

    #[test]
    fn fixed_amounts_are_exact_pesos_above_zero() {
        let fixed = |v: Value| {
            let mut b = body();
            b["discount_type"] = json!("fixed_amount");
            b["discount_amount"] = v;
            NewPromoCode::from_json(&b).map(|n| n.discount).map_err(|e| e.to_string())
        };
        assert_eq!(fixed(json!(99.5)), Ok(Discount::FixedAmount { amount: money(9_950) }));
        assert_eq!(fixed(json!(5000)), Ok(Discount::FixedAmount { amount: money(500_000) }));
        assert_eq!(fixed(json!(0)).unwrap_err(), "discount_amount must be more than 0 for a fixed amount");
        assert_eq!(fixed(json!(-10)).unwrap_err(), "discount_amount must be more than 0 for a fixed amount");
        assert_eq!(
            fixed(json!(1.005)).unwrap_err(),
            "discount_amount must have at most 2 decimal places (centavos) for a fixed amount"
        );
    }

    #[test]
    fn json_echoes_the_amount_as_sent_and_nulls_for_no_limit_or_expiry() {
        let db = seeded();
        let now = Utc::now();
        let new = NewPromoCode::from_json(&body()).unwrap();
        let view = db.blocking(|c| create(c, &new, now)).unwrap();
        let j = view.to_json();
        assert!(j["id"].as_str().unwrap().starts_with("pc_"));
        assert_eq!(j["discount_amount"].to_string(), "20");
        assert_eq!(j["expires_at"], "2026-04-01T00:00:00Z");
        let fixed = NewPromoCode::from_json(&json!({"event_id": seed::JAZZ_NIGHT, "code": "SAVE",
            "discount_type": "fixed_amount", "discount_amount": 150}))
        .unwrap();
        let j = db.blocking(|c| create(c, &fixed, now)).unwrap().to_json();
        assert_eq!(j["discount_amount"].to_string(), "150");
        assert_eq!((j["usage_limit"].clone(), j["expires_at"].clone()), (Value::Null, Value::Null));
    }

    #[test]
    fn codes_are_unique_per_event_in_any_case_and_need_an_existing_event() {
        let db = seeded();
        let now = Utc::now();
        let new = NewPromoCode::from_json(&body()).unwrap();
        db.blocking(|c| create(c, &new, now)).unwrap();
        let mut lower = body();
        lower["code"] = json!("earlybird");
        let again = NewPromoCode::from_json(&lower).unwrap();
        assert!(matches!(db.blocking(|c| create(c, &again, now)).unwrap_err(), SandboxError::Conflict(_)));
        let mut elsewhere = again.clone();
        elsewhere.event_id = seed::COMEDY_NIGHT.into();
        assert!(db.blocking(|c| create(c, &elsewhere, now)).is_ok(), "another event may use the same code");
        let mut unknown = again;
        unknown.event_id = "00000000-0000-4000-8000-000000000000".into();
        let err = db.blocking(|c| create(c, &unknown, now)).unwrap_err();
        assert!(matches!(err, SandboxError::NotFound(ref m) if m == "Event not found"));
    }

    #[test]
    fn updates_take_only_is_active() {
        assert!(!parse_update(&json!({"is_active": false})).unwrap());
        assert!(parse_update(&json!({"is_active": true})).unwrap());
        assert_eq!(parse_update(&json!({})).unwrap_err().to_string(), "is_active is required");
        assert_eq!(
            parse_update(&json!({"is_active": "no"})).unwrap_err().to_string(),
            "is_active must be true or false"
        );
        assert_eq!(
            parse_update(&json!({"is_active": true, "code": "X"})).unwrap_err().to_string(),
            "Unknown field 'code'. Fields you can change: is_active"
        );
    }

    #[test]
    fn reserving_checks_event_activity_expiry_and_limit() {
        let db = seeded();
        let now = Utc::now();
        let mut b = body();
        b["usage_limit"] = json!(1);
        b["expires_at"] = json!(rfc3339(now + chrono::Duration::hours(1)));
        let new = NewPromoCode::from_json(&b).unwrap();
        let id = db.blocking(|c| create(c, &new, now)).unwrap().id;
        let reserve_at = |event: &str, raw: &str, at| db.blocking(|c| reserve(c, event, raw, at));
        let ok = reserve_at(seed::JAZZ_NIGHT, "  earlyBIRD ", now).unwrap();
        assert_eq!((ok.id.as_str(), ok.code.as_str()), (id.as_str(), "EARLYBIRD"));
        let msg = |r: Result<ReservedCode>| r.unwrap_err().to_string();
        assert_eq!(msg(reserve_at(seed::COMEDY_NIGHT, "EARLYBIRD", now)), NOT_VALID);
        assert_eq!(msg(reserve_at(seed::JAZZ_NIGHT, "NOPE", now)), NOT_VALID);
        assert_eq!(msg(reserve_at(seed::JAZZ_NIGHT, "x", now)), NOT_VALID);
        assert_eq!(msg(reserve_at(seed::JAZZ_NIGHT, "EARLYBIRD", now + chrono::Duration::hours(1))), EXPIRED);
        db.blocking(|c| count_use(c, &id)).unwrap();
        let used_up = reserve_at(seed::JAZZ_NIGHT, "EARLYBIRD", now).unwrap_err();
        assert!(matches!(used_up, SandboxError::Conflict(ref m) if m == USED_UP));
        db.blocking(|c| set_active(c, &id, false)).unwrap();
        assert_eq!(msg(reserve_at(seed::JAZZ_NIGHT, "EARLYBIRD", now)), NOT_ACTIVE);
        assert_eq!(db.blocking(|c| find(c, &id)).unwrap().usage_count, 1);
        assert!(matches!(db.blocking(|c| set_active(c, "pc_nope", true)).unwrap_err(), SandboxError::NotFound(_)));
    }
}
