//! Creating events (`POST /events`) and changing them (`PUT /events/:id`), with the
//! validation each field needs. A change that alters anything sends `event.updated`.

use crate::clock::rfc3339;
use crate::error::{Result, SandboxError};
use crate::events::{find, EventView, STATUSES};
use crate::json_body::{object, optional_int, optional_number, optional_str, required_str};
use crate::outbox;
use crate::price::{from_major_number, to_major_number};
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};
use tessera_core::MoneyError;

/// Fields `PUT /events/:id` accepts; anything else is refused so a typo is not silently ignored.
pub(crate) const UPDATABLE: [&str; 8] =
    ["title", "description", "status", "start_datetime", "end_datetime", "venue_name", "city", "capacity"];

/// The tier `ticket_price` creates: the document's create call has one price and no tiers.
const DEFAULT_TIER_NAME: &str = "General Admission";

#[derive(Debug)]
pub(crate) struct NewEvent {
    pub title: String,
    pub description: Option<String>,
    pub status: &'static str,
    pub start: DateTime<FixedOffset>,
    pub end: Option<DateTime<FixedOffset>>,
    pub venue_name: Option<String>,
    pub city: Option<String>,
    pub capacity: Option<i64>,
    pub ticket_price_minor: Option<i64>,
}

impl NewEvent {
    pub(crate) fn from_json(body: &Value) -> Result<NewEvent> {
        let obj = object(body, "Request body")?;
        let title = required_str(obj, "title", "title")?;
        let start = parse_datetime(&required_str(obj, "start_datetime", "start_datetime")?, "start_datetime")?;
        let end = optional_str(obj, "end_datetime", "end_datetime")?
            .map(|s| parse_datetime(&s, "end_datetime"))
            .transpose()?;
        check_order(start, end)?;
        let status = match optional_str(obj, "status", "status")? {
            Some(s) => parse_status(&s)?,
            None => "draft",
        };
        let capacity = optional_int(obj, "capacity", "capacity", 0)?;
        let ticket_price_minor = optional_number(obj, "ticket_price", "ticket_price")?
            .map(|n| parse_price(n, "ticket_price"))
            .transpose()?;
        if ticket_price_minor.is_some() && capacity.is_none() {
            return Err(SandboxError::BadRequest(
                "capacity is required with ticket_price: it is the number of tickets the price applies to".into(),
            ));
        }
        Ok(NewEvent {
            title,
            description: optional_str(obj, "description", "description")?,
            status,
            start,
            end,
            venue_name: optional_str(obj, "venue_name", "venue_name")?,
            city: optional_str(obj, "city", "city")?,
            capacity,
            ticket_price_minor,
        })
    }
}

pub(crate) struct CreatedEvent {
    pub event: EventView,
    pub ticket_price_minor: Option<i64>,
}

impl CreatedEvent {
    /// The document's `POST /events` response.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.event.id,
            "title": self.event.title,
            "status": self.event.status,
            "start_datetime": self.event.start_datetime,
            "venue_name": self.event.venue_name,
            "capacity": self.event.capacity,
            "ticket_price": self.ticket_price_minor.map(to_major_number),
        })
    }
}

pub(crate) fn create(conn: &mut Connection, new: &NewEvent, now: DateTime<Utc>) -> Result<CreatedEvent> {
    let id = uuid::Uuid::new_v4().to_string();
    let tx = crate::db::immediate(conn)?;
    tx.execute(
        "INSERT INTO events (id, title, description, status, start_datetime, start_ms, end_datetime,
                             venue_name, city, capacity, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            new.title,
            new.description,
            new.status,
            new.start.to_rfc3339(),
            new.start.timestamp_millis(),
            new.end.map(|e| e.to_rfc3339()),
            new.venue_name,
            new.city,
            new.capacity,
            rfc3339(now)
        ],
    )?;
    if let (Some(price), Some(capacity)) = (new.ticket_price_minor, new.capacity) {
        tx.execute(
            "INSERT INTO ticket_tiers (id, event_id, position, name, price_minor, quantity_total, quantity_sold)
             VALUES (?1, ?2, 0, ?3, ?4, ?5, 0)",
            params![uuid::Uuid::new_v4().to_string(), id, DEFAULT_TIER_NAME, price, capacity],
        )?;
    }
    let event = find(&tx, &id, now)?;
    tx.commit()?;
    Ok(CreatedEvent { event, ticket_price_minor: new.ticket_price_minor })
}

/// Applies the fields present in `body` to a copy of `event`, validating each.
pub(crate) fn apply_changes(event: &EventView, body: &Value) -> Result<EventView> {
    let obj = object(body, "Request body")?;
    if let Some(unknown) = obj.keys().find(|k| !UPDATABLE.contains(&k.as_str())) {
        return Err(SandboxError::BadRequest(format!(
            "Unknown field '{unknown}'. Fields you can change: {}",
            UPDATABLE.join(", ")
        )));
    }
    if obj.is_empty() {
        return Err(SandboxError::BadRequest(format!(
            "Include at least one field to change: {}",
            UPDATABLE.join(", ")
        )));
    }
    let mut next = event.clone();
    if obj.contains_key("title") {
        next.title = required_str(obj, "title", "title")?;
    }
    if obj.contains_key("status") {
        next.status = parse_status(&required_str(obj, "status", "status")?)?.to_owned();
    }
    if obj.contains_key("start_datetime") {
        let raw = required_str(obj, "start_datetime", "start_datetime")?;
        next.start_datetime = parse_datetime(&raw, "start_datetime")?.to_rfc3339();
    }
    if obj.contains_key("end_datetime") {
        next.end_datetime = optional_str(obj, "end_datetime", "end_datetime")?
            .map(|s| parse_datetime(&s, "end_datetime").map(|d| d.to_rfc3339()))
            .transpose()?;
    }
    if obj.contains_key("description") {
        next.description = optional_str(obj, "description", "description")?;
    }
    if obj.contains_key("venue_name") {
        next.venue_name = optional_str(obj, "venue_name", "venue_name")?;
    }
    if obj.contains_key("city") {
        next.city = optional_str(obj, "city", "city")?;
    }
    if obj.contains_key("capacity") {
        next.capacity = optional_int(obj, "capacity", "capacity", 0)?;
    }
    let start = parse_datetime(&next.start_datetime, "start_datetime")?;
    let end = next.end_datetime.as_deref().map(|e| parse_datetime(e, "end_datetime")).transpose()?;
    check_order(start, end)?;
    Ok(next)
}

/// The fields whose values differ, keyed as in the API: the `event.updated` payload's data.
pub(crate) fn changed_fields(before: &EventView, after: &EventView) -> Map<String, Value> {
    let (old, new) = (before.detail_json(), after.detail_json());
    UPDATABLE.iter().filter(|k| old[**k] != new[**k]).map(|k| ((*k).to_owned(), new[*k].clone())).collect()
}

pub(crate) struct UpdatedEvent {
    pub event: EventView,
    /// Whether an `event.updated` delivery was queued.
    pub notified: bool,
}

pub(crate) fn update(conn: &mut Connection, id: &str, body: &Value, now: DateTime<Utc>) -> Result<UpdatedEvent> {
    let tx = crate::db::immediate(conn)?;
    let before = find(&tx, id, now)?;
    let after = apply_changes(&before, body)?;
    let changed = changed_fields(&before, &after);
    if changed.is_empty() {
        return Ok(UpdatedEvent { event: before, notified: false });
    }
    let start_ms = parse_datetime(&after.start_datetime, "start_datetime")?.timestamp_millis();
    tx.execute(
        "UPDATE events SET title = ?2, description = ?3, status = ?4, start_datetime = ?5, start_ms = ?6,
                           end_datetime = ?7, venue_name = ?8, city = ?9, capacity = ?10
         WHERE id = ?1",
        params![
            id,
            after.title,
            after.description,
            after.status,
            after.start_datetime,
            start_ms,
            after.end_datetime,
            after.venue_name,
            after.city,
            after.capacity
        ],
    )?;
    let mut data = Map::new();
    data.insert("event_id".into(), json!(id));
    data.extend(changed);
    let notified = outbox::enqueue(&tx, "event.updated", Value::Object(data), now)?.is_some();
    tx.commit()?;
    Ok(UpdatedEvent { event: after, notified })
}

fn parse_status(raw: &str) -> Result<&'static str> {
    STATUSES
        .into_iter()
        .find(|s| *s == raw)
        .ok_or_else(|| SandboxError::BadRequest("status must be one of: active, draft, cancelled".into()))
}

fn parse_datetime(raw: &str, name: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(raw).map_err(|_| {
        SandboxError::BadRequest(format!(
            "{name} must be an ISO 8601 date and time with an offset, like 2026-04-10T20:00:00+08:00"
        ))
    })
}

fn check_order(start: DateTime<FixedOffset>, end: Option<DateTime<FixedOffset>>) -> Result<()> {
    match end {
        Some(end) if end < start => {
            Err(SandboxError::BadRequest("end_datetime must not be before start_datetime".into()))
        }
        _ => Ok(()),
    }
}

fn parse_price(n: &serde_json::Number, name: &str) -> Result<i64> {
    match from_major_number(n) {
        Ok(minor) if minor >= 0 => Ok(minor),
        Ok(_) => Err(SandboxError::BadRequest(format!("{name} must not be negative"))),
        Err(MoneyError::TooPrecise) => {
            Err(SandboxError::BadRequest(format!("{name} can have at most 2 decimal places (centavos)")))
        }
        Err(_) => Err(SandboxError::BadRequest(format!("{name} must be a plain amount in PHP, like 800 or 799.50"))),
    }
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

    fn jazz(db: &crate::db::Db) -> EventView {
        db.blocking(|c| find(c, seed::JAZZ_NIGHT, Utc::now())).unwrap()
    }

    #[test]
    fn new_events_are_drafts_with_one_tier_at_the_ticket_price() {
        let db = seeded();
        let body = json!({"title": "Friday Night Comedy", "start_datetime": "2026-04-10T20:00:00+08:00",
                          "venue_name": "Comedy Bar Manila", "city": "Manila", "capacity": 150, "ticket_price": 800});
        let new = NewEvent::from_json(&body).unwrap();
        let created = db.blocking(|c| create(c, &new, Utc::now())).unwrap();
        let json = created.to_json();
        assert_eq!(json["status"], "draft");
        assert_eq!(json["ticket_price"], json!(800));
        assert_eq!(json["start_datetime"], "2026-04-10T20:00:00+08:00");
        assert_eq!(created.event.tiers.len(), 1);
        assert_eq!(created.event.tiers[0].price_minor, 80_000);
        assert_eq!(created.event.tiers[0].quantity_total, 150);
    }

    #[test]
    fn new_events_need_a_title_and_a_valid_start() {
        let err = |body: Value| NewEvent::from_json(&body).unwrap_err().to_string();
        assert_eq!(err(json!({"start_datetime": "2026-04-10T20:00:00+08:00"})), "title is required");
        assert!(err(json!({"title": "x", "start_datetime": "next friday"})).starts_with("start_datetime must be"));
        assert!(err(
            json!({"title": "x", "start_datetime": "2026-04-10T20:00:00Z", "end_datetime": "2026-04-10T19:00:00Z"})
        )
        .contains("end_datetime must not be before"));
        assert!(err(
            json!({"title": "x", "start_datetime": "2026-04-10T20:00:00Z", "ticket_price": 1.005, "capacity": 1})
        )
        .contains("2 decimal places"));
    }

    #[test]
    fn only_fields_that_differ_count_as_changed() {
        let db = seeded();
        let before = jazz(&db);
        let after = apply_changes(&before, &json!({"title": "Manila Jazz Night", "capacity": 300})).unwrap();
        let changed = changed_fields(&before, &after);
        assert_eq!(Value::Object(changed), json!({"capacity": 300}));
    }

    #[test]
    fn unknown_fields_and_empty_changes_are_refused() {
        let db = seeded();
        let before = jazz(&db);
        let e = apply_changes(&before, &json!({"titel": "x"})).unwrap_err().to_string();
        assert!(e.starts_with("Unknown field 'titel'"), "{e}");
        assert!(apply_changes(&before, &json!({})).is_err());
        assert!(apply_changes(&before, &json!({"status": "archived"})).is_err());
    }

    #[test]
    fn updating_writes_the_change_and_queues_event_updated_only_when_something_changed() {
        let db = seeded();
        db.blocking(|c| {
            c.execute(
                "INSERT INTO webhook_endpoints (id, url, secret, events, is_active, source, created_at)
                 VALUES ('wh_1', 'http://127.0.0.1:9/', 's', '[\"event.updated\"]', 1, 'api', 'now')",
                [],
            )?;
            let first = update(c, seed::WINTER_MARKET, &json!({"status": "active"}), Utc::now())?;
            assert!(first.notified);
            assert_eq!(first.event.status, "active");
            let again = update(c, seed::WINTER_MARKET, &json!({"status": "active"}), Utc::now())?;
            assert!(!again.notified);
            let body: String = c.query_row("SELECT body FROM webhook_deliveries", [], |r| r.get(0))?;
            let payload: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(payload["type"], "event.updated");
            assert_eq!(payload["data"], json!({"event_id": seed::WINTER_MARKET, "status": "active"}));
            Ok(())
        })
        .unwrap();
    }
}
