//! The proxy binary's admin commands. `tessera-proxy` alone serves; `tessera-proxy promo
//! create …` creates a promo code upstream and records it in the proxy's store (HangHut has
//! no endpoint to look a code up, so the proxy can only preview codes it created).

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use tessera_core::{Discount, EventId, Money, PromoCode};

use crate::settings::Settings;
use crate::store::Store;
use crate::upstream::{NewPromo, UpstreamError};
use crate::{startup::Admin, Config};

#[derive(Debug, Parser)]
#[command(
    name = "tessera-proxy",
    version,
    about = "tessera's proxy: serves the ticket widget, holds the platform's API key",
    long_about = "tessera's proxy: serves the ticket widget, holds the platform's API key. \
        Without a command it serves until SIGTERM or Ctrl-C. Every setting is a flag, a TESSERA_* \
        variable or a key of the --config file, in that order of precedence."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Promo codes.
    #[command(subcommand)]
    Promo(PromoCommand),
    /// Checks the settings as the proxy would read them, and lists each one and where it came
    /// from (secrets are not shown); exits 2 if they are not valid.
    CheckConfig,
    /// Copies the proxy's database (TESSERA_DATA_DIR/proxy.sqlite) to a new file, consistently,
    /// while proxies keep running; restore by putting the copy in its place with the proxy stopped.
    Backup {
        /// The new file; an existing one is not overwritten.
        path: std::path::PathBuf,
    },
    /// Waiting lists of sold-out tiers.
    #[command(subcommand)]
    Waitlist(WaitlistCommand),
}

#[derive(Debug, Subcommand)]
pub enum WaitlistCommand {
    /// Deletes an address everywhere the proxy keeps it (every event's waiting list, the log of
    /// emails sent), in any letter case, and says how many rows went.
    Purge {
        /// The address, as the buyer gave it (case does not matter).
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PromoCommand {
    /// Creates a code for one event upstream and records it so the widget can preview it.
    Create(CreateArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiscountType {
    Percentage,
    FixedAmount,
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The event's id on the platform.
    #[arg(long)]
    pub event: String,
    /// At least 3 characters; buyers may type it in any case.
    #[arg(long)]
    pub code: String,
    #[arg(long = "type", value_enum)]
    pub discount_type: DiscountType,
    /// Percent (0 < n ≤ 100, e.g. 12.5) or an amount in the event's currency (e.g. 150).
    #[arg(long)]
    pub amount: String,
    /// Uses allowed; unlimited when omitted.
    #[arg(long)]
    pub limit: Option<u32>,
    /// RFC 3339 instant after which the code stops working.
    #[arg(long)]
    pub expires: Option<String>,
}

impl CreateArgs {
    pub fn to_new_promo(&self, config: &Config) -> Result<NewPromo, String> {
        let event_id = EventId::parse(&self.event).map_err(|e| format!("--event: {e}"))?;
        let code = PromoCode::parse(&self.code).map_err(|e| format!("--code: {e}"))?;
        let discount = match self.discount_type {
            DiscountType::Percentage => Discount::percentage(&self.amount),
            DiscountType::FixedAmount => Money::from_major_str(&self.amount, config.hanghut_currency)
                .map_err(|_| tessera_core::DiscountError::NotANumber)
                .and_then(Discount::fixed_amount),
        }
        .map_err(|e| format!("--amount: {e}"))?;
        if self.limit == Some(0) {
            return Err("--limit must be at least 1".into());
        }
        let expires_at = self
            .expires
            .as_deref()
            .map(|t| DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc)))
            .transpose()
            .map_err(|e| format!("--expires must be an RFC 3339 time like 2026-12-31T23:59:59Z: {e}"))?;
        Ok(NewPromo { event_id, code, discount, usage_limit: self.limit, expires_at })
    }
}

/// Runs an admin command; the text to print on success.
/// `config` has been read from `settings` already (and found valid).
pub async fn run(command: Command, config: Config, settings: &Settings) -> Result<String, String> {
    match command {
        Command::CheckConfig => {
            let read = settings.file().map(|f| format!("read {}", f.display()));
            let lines: Vec<String> = read.into_iter().chain(settings.describe()).collect();
            Ok(format!("{}\nthe configuration is valid", lines.join("\n")))
        }
        Command::Backup { path } => {
            let db = config.data_dir.join("proxy.sqlite");
            if !db.exists() {
                return Err(format!("there is no database at {} (is TESSERA_DATA_DIR right?)", db.display()));
            }
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            store.backup_to(&path).await.map_err(|e| e.to_string())?;
            let version = store.schema_version().await.map_err(|e| e.to_string())?;
            Ok(format!("backed up {} to {} (schema version {version})", db.display(), path.display()))
        }
        Command::Waitlist(WaitlistCommand::Purge { email }) => {
            let db = config.data_dir.join("proxy.sqlite");
            if !db.exists() {
                return Err(format!("there is no database at {} (is TESSERA_DATA_DIR right?)", db.display()));
            }
            // Opened as the proxy opens it first, so the schema is up to date.
            Store::open(&db).map_err(|e| e.to_string())?;
            let store = crate::waitlist::store::WaitlistStore::open(&db).map_err(|e| e.to_string())?;
            let purged = store.purge(&email).await.map_err(|e| e.to_string())?;
            Ok(format!(
                "removed {} rows for {}: {} waiting-list entries, {} sent-log lines",
                purged.entries + purged.sent,
                email.trim(),
                purged.entries,
                purged.sent
            ))
        }
        Command::Promo(PromoCommand::Create(args)) => {
            let promo = args.to_new_promo(&config)?;
            let admin = Admin::open(&config).await.map_err(|e| e.to_string())?;
            let result = crate::promo::create(&admin.client, &admin.store, promo).await;
            admin.close().await;
            match result {
                Ok((rule, id)) => Ok(format!(
                    "created promo code {} ({id}) for event {}: {} off{}{}",
                    rule.code,
                    rule.event_id,
                    rule.discount.describe(),
                    rule.usage_limit.map(|n| format!(", {n} uses")).unwrap_or_default(),
                    rule.expires_at.map(|t| format!(", until {}", t.to_rfc3339())).unwrap_or_default(),
                )),
                Err(UpstreamError::Conflict(m)) => Err(format!("the platform refused the code: {m}")),
                Err(UpstreamError::NotFound) => Err("the platform has no such event".into()),
                Err(e) => Err(format!("could not create the code: {e}")),
            }
        }
    }
}
