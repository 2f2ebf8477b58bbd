-- Amounts are integer centavos (*_minor); instants compared in SQL are unix milliseconds (*_ms).

CREATE TABLE IF NOT EXISTS events (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    description    TEXT,
    status         TEXT NOT NULL CHECK (status IN ('active', 'draft', 'cancelled')),
    start_datetime TEXT NOT NULL,          -- RFC 3339 with the event's own offset
    start_ms       INTEGER NOT NULL,       -- for ordering across offsets
    end_datetime   TEXT,
    venue_name     TEXT,
    city           TEXT,
    capacity       INTEGER,
    created_at     TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ticket_tiers (
    id             TEXT PRIMARY KEY,
    event_id       TEXT NOT NULL REFERENCES events (id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    price_minor    INTEGER NOT NULL CHECK (price_minor >= 0),
    quantity_total INTEGER NOT NULL CHECK (quantity_total >= 0),
    quantity_sold  INTEGER NOT NULL DEFAULT 0
        CHECK (quantity_sold >= 0 AND quantity_sold <= quantity_total)
);
CREATE INDEX IF NOT EXISTS ticket_tiers_by_event ON ticket_tiers (event_id, position);

-- Codes are stored trimmed and upper-cased, so UNIQUE (event_id, code) is case-insensitive.
CREATE TABLE IF NOT EXISTS promo_codes (
    id             TEXT PRIMARY KEY,       -- pc_...
    event_id       TEXT NOT NULL REFERENCES events (id),
    code           TEXT NOT NULL,
    discount_type  TEXT NOT NULL CHECK (discount_type IN ('percentage', 'fixed_amount')),
    discount_value INTEGER NOT NULL CHECK (discount_value > 0), -- basis points, or centavos
    usage_limit    INTEGER CHECK (usage_limit IS NULL OR usage_limit >= 1),
    usage_count    INTEGER NOT NULL DEFAULT 0, -- paid sessions only; open ones are reservations
    is_active      INTEGER NOT NULL DEFAULT 1,
    expires_at_ms  INTEGER,
    created_at     TEXT NOT NULL,
    UNIQUE (event_id, code)
);

CREATE TABLE IF NOT EXISTS checkout_sessions (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES events (id),
    tier_id          TEXT NOT NULL REFERENCES ticket_tiers (id),
    quantity         INTEGER NOT NULL CHECK (quantity >= 1),
    unit_price_minor INTEGER NOT NULL,     -- locked when the session is created
    customer_name    TEXT NOT NULL,
    customer_email   TEXT NOT NULL,
    customer_phone   TEXT,
    success_url      TEXT NOT NULL,
    cancel_url       TEXT,
    status           TEXT NOT NULL CHECK (status IN ('open', 'paid', 'cancelled', 'expired')),
    created_at       TEXT NOT NULL,
    expires_at_ms    INTEGER NOT NULL,
    paid_at          TEXT,
    -- Price locked when the session is created. Databases made before promo codes get these
    -- columns from `db::migrate`, which also creates the index on promo_code_id.
    promo_code_id    TEXT REFERENCES promo_codes (id),
    subtotal_minor   INTEGER NOT NULL DEFAULT 0,
    discount_minor   INTEGER NOT NULL DEFAULT 0,
    total_minor      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS checkout_sessions_holds ON checkout_sessions (tier_id, status, expires_at_ms);

-- `Idempotency-Key` of `POST /checkouts` (sandbox extension, see idempotency.rs), kept a day.
CREATE TABLE IF NOT EXISTS checkout_idempotency_keys (
    key            TEXT PRIMARY KEY,
    checkout_id    TEXT NOT NULL REFERENCES checkout_sessions (id),
    created_at_ms  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS tickets (
    id             TEXT PRIMARY KEY,
    checkout_id    TEXT NOT NULL REFERENCES checkout_sessions (id),
    event_id       TEXT NOT NULL REFERENCES events (id),
    tier_id        TEXT NOT NULL REFERENCES ticket_tiers (id),
    status         TEXT NOT NULL CHECK (status IN ('sold', 'checked_in', 'refunded', 'cancelled')),
    price_minor    INTEGER NOT NULL,
    customer_name  TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    purchased_at   TEXT NOT NULL,
    checked_in_at  TEXT,
    refunded_at    TEXT
);
-- The attendees list: an event's tickets, oldest purchase first.
CREATE INDEX IF NOT EXISTS tickets_by_event ON tickets (event_id, purchased_at, id);

CREATE TABLE IF NOT EXISTS orders (
    id             TEXT PRIMARY KEY REFERENCES checkout_sessions (id),
    event_id       TEXT NOT NULL REFERENCES events (id),
    customer_name  TEXT NOT NULL,
    customer_email TEXT NOT NULL,
    quantity       INTEGER NOT NULL,
    total_minor    INTEGER NOT NULL,
    status         TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    paid_at        TEXT NOT NULL,
    paid_at_ms     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_event ON orders (event_id, paid_at_ms);

CREATE TABLE IF NOT EXISTS webhook_endpoints (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL,              -- JSON array of types; [] means every type
    is_active  INTEGER NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('api', 'config')),
    created_at TEXT NOT NULL
);

-- The outbox: one row per (payload, endpoint), written in the transaction that made the change.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    payload_id      TEXT NOT NULL,         -- the payload's "id" (evt_...), the same on every retry
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id),
    event_type      TEXT NOT NULL,
    body            TEXT NOT NULL,         -- the exact bytes that are signed and sent
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms INTEGER NOT NULL,
    last_error      TEXT,
    UNIQUE (payload_id, endpoint_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
