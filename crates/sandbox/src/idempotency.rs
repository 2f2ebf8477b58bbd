//! `Idempotency-Key` on `POST /checkouts` (a sandbox extension; the HangHut document does not
//! mention one): a request repeating a key seen in the last day gets the session the first
//! one opened instead of a second hold. The proxy sends one so it can retry a checkout whose
//! answer it lost. Keys are matched as given, for this one organiser.

use crate::checkouts::{self, CheckoutRequest, CreatedCheckout};
use crate::clock::from_millis;
use crate::error::{Result, SandboxError};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::time::Duration;

/// How long a key is remembered.
const KEY_TTL: chrono::Duration = chrono::Duration::hours(24);

/// Accepts what the IETF draft allows: 1 to 255 visible ASCII characters.
pub(crate) fn parse_key(raw: Option<&str>) -> Result<Option<String>> {
    match raw {
        None => Ok(None),
        Some(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => Ok(Some(k.to_owned())),
        Some(_) => Err(SandboxError::BadRequest("Idempotency-Key must be 1 to 255 visible characters".into())),
    }
}

/// `checkouts::create`, once per key. The database lock is held for the whole call
/// (`Db::call`), so two requests with one key cannot both create.
pub(crate) fn create_once(
    conn: &mut Connection,
    key: Option<&str>,
    req: &CheckoutRequest,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<CreatedCheckout> {
    let Some(key) = key else { return checkouts::create(conn, req, now, ttl) };
    conn.execute(
        "DELETE FROM checkout_idempotency_keys WHERE created_at_ms < ?1",
        [(now - KEY_TTL).timestamp_millis()],
    )?;
    let earlier: Option<(String, i64)> = conn
        .query_row(
            "SELECT s.id, s.expires_at_ms FROM checkout_idempotency_keys k
               JOIN checkout_sessions s ON s.id = k.checkout_id WHERE k.key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, expires_at_ms)) = earlier {
        return Ok(CreatedCheckout { id, expires_at: from_millis(expires_at_ms) });
    }
    let created = checkouts::create(conn, req, now, ttl)?;
    conn.execute(
        "INSERT INTO checkout_idempotency_keys (key, checkout_id, created_at_ms) VALUES (?1, ?2, ?3)",
        params![key, created.id, now.timestamp_millis()],
    )?;
    Ok(created)
}
