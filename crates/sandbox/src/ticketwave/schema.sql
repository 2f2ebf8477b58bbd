-- The TicketWave sandbox's own tables (its own database, apart from the HangHut sandbox's).
-- Amounts are integer minor units of the event's currency (*_minor); instants compared in
-- SQL are unix milliseconds (*_ms).

CREATE TABLE IF NOT EXISTS events (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    slug           TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled')),
    date           TEXT NOT NULL,            -- 2026-07-15, in the venue's (unstated) zone
    start_time     TEXT NOT NULL,            -- 14:00
    end_time       TEXT,
    venue          TEXT,
    total_capacity INTEGER NOT NULL,
    currency       TEXT NOT NULL
);

-- The document gives tiers no id: an event's tier is named by its name.
CREATE TABLE IF NOT EXISTS tiers (
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    sold        INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0 AND sold <= quantity),
    PRIMARY KEY (event_id, name)
);

CREATE TABLE IF NOT EXISTS orders (
    id             TEXT PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    event_id       TEXT NOT NULL REFERENCES events (id),
    customer_name  TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    phone          TEXT,
    subtotal_minor INTEGER NOT NULL,
    total_minor    INTEGER NOT NULL,
    refunded_minor INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor <= total_minor),
    status         TEXT NOT NULL CHECK (status IN ('paid', 'partially_refunded', 'refunded')),
    created_at     TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS tickets (
    id            TEXT PRIMARY KEY,
    order_id      TEXT NOT NULL REFERENCES orders (id),
    tier_name     TEXT NOT NULL,
    holder_name   TEXT NOT NULL,
    qr_code       TEXT NOT NULL UNIQUE,
    checked_in_at TEXT
);
CREATE INDEX IF NOT EXISTS tickets_by_order ON tickets (order_id);

-- At most one webhook configuration per account (the document: "Set webhook URL").
CREATE TABLE IF NOT EXISTS webhook_config (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    url    TEXT NOT NULL,
    events TEXT NOT NULL,                    -- JSON array of event types
    secret TEXT NOT NULL
);

-- The outbox: written in the transaction of the change it reports; the URL and secret are
-- the ones configured then.
CREATE TABLE IF NOT EXISTS deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    event_type      TEXT NOT NULL,
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_ms);
