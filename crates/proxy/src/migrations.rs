//! The proxy database's schema, version by version, applied by `rusqlite_migration`, which
//! records the version reached in SQLite's `user_version`. A change to the schema is a new
//! migration at the end of the list; one that has been released is never edited.
//!
//! Version 1 is the schema as it stood when migrations began. Its statements create only what
//! is missing, and its hook adds the columns an older inbox lacks, so a database written before
//! versions were recorded (`user_version` 0) is brought up to it like a new one.

use rusqlite::Connection;
use rusqlite_migration::{HookResult, Migrations, M};
use std::sync::LazyLock;

use crate::{feed, store};

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up_with_hook(store::SCHEMA_V1, add_inbox_columns).comment("inbox, promo codes, idempotency keys"),
        M::up(feed::SCHEMA_V2).comment("the other platforms' events, sales and resales"),
        M::up(crate::waitlist::store::SCHEMA_V3).comment("waiting lists of sold-out tiers and the emails sent"),
    ])
});

/// Brings the database at `conn` to the latest version. A database from a newer proxy (a
/// version this one does not know) is refused rather than used.
pub fn to_latest(conn: &mut Connection) -> rusqlite_migration::Result<()> {
    MIGRATIONS.to_latest(conn)
}

/// The version the database at `conn` is at.
pub fn version(conn: &Connection) -> rusqlite_migration::Result<usize> {
    Ok(match MIGRATIONS.current_version(conn)? {
        rusqlite_migration::SchemaVersion::NoneSet => 0,
        rusqlite_migration::SchemaVersion::Inside(v) | rusqlite_migration::SchemaVersion::Outside(v) => v.get(),
    })
}

/// The latest version this proxy knows.
#[cfg(test)]
pub(crate) fn latest() -> usize {
    // The number of migrations: version n is the state after the n-th.
    let mut conn = Connection::open_in_memory().expect("an in-memory database");
    to_latest(&mut conn).expect("the migrations apply to an empty database");
    version(&conn).expect("a version was recorded")
}

/// Inboxes from before deliveries were applied as a step of their own: the new columns, and
/// every delivery already there counts as applied (it was, in the request that took it).
fn add_inbox_columns(tx: &rusqlite::Transaction) -> HookResult {
    let has = |column: &str| -> rusqlite::Result<bool> {
        tx.query_row("SELECT COUNT(*) FROM pragma_table_info('webhook_deliveries') WHERE name = ?1", [column], |r| {
            r.get::<_, i64>(0).map(|n| n > 0)
        })
    };
    if !has("changes")? {
        tx.execute_batch("ALTER TABLE webhook_deliveries ADD COLUMN changes TEXT;")?;
    }
    if !has("applied_at")? {
        tx.execute_batch(
            "ALTER TABLE webhook_deliveries ADD COLUMN order_id TEXT;
             ALTER TABLE webhook_deliveries ADD COLUMN promo_code TEXT;
             ALTER TABLE webhook_deliveries ADD COLUMN applied_at TEXT;
             UPDATE webhook_deliveries SET applied_at = received_at;",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_are_well_formed() {
        MIGRATIONS.validate().unwrap();
    }

    #[test]
    fn a_new_database_is_brought_to_the_latest_version_and_records_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(version(&conn).unwrap(), 0);
        to_latest(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), latest());
        assert_eq!(latest(), 3);
        // Again: nothing to do.
        to_latest(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), 3);
    }

    #[test]
    fn a_database_from_a_newer_proxy_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(to_latest(&mut conn).is_err());
    }
}
