//! Every setting of the proxy, declared once: `tessera-proxy --help` lists each with its
//! `TESSERA_*` variable and default (clap's `env`), and each is read from, in this order, its
//! flag, its variable, the TOML file named by `--config` (`TESSERA_CONFIG`), or its default.
//! `Config::from_lookup` then parses and checks the values; this module only finds them.
//!
//! In the file a setting is its variable's name without `TESSERA_`, in lower case
//! (`upstream_per_minute = 90`); a key that is no setting is an error, so a typo does not pass
//! for a default.

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One setting: its variable, what it means, its default as `--help` shows it (none: unset),
/// and whether it is a secret (its value is never printed, by `--help` or `check-config`).
pub struct Setting {
    pub var: &'static str,
    pub help: &'static str,
    pub default: Option<&'static str>,
    pub secret: bool,
    /// Test hooks: read like the others, left out of `--help`.
    pub hidden: bool,
}

const fn plain(var: &'static str, help: &'static str, default: Option<&'static str>) -> Setting {
    Setting { var, help, default, secret: false, hidden: false }
}

const fn secret(var: &'static str, help: &'static str) -> Setting {
    Setting { var, help, default: None, secret: true, hidden: false }
}

pub const SETTINGS: &[Setting] = &[
    plain("TESSERA_LISTEN", "Address to serve on", Some("127.0.0.1:8080")),
    plain("TESSERA_PUBLIC_URL", "Where buyers reach the proxy [default: http://{listen}/]", None),
    plain("TESSERA_UPSTREAM", "`sandbox`, or a HangHut API base such as https://api.hanghut.com/v1", Some("sandbox")),
    secret("TESSERA_API_KEY", "The platform's API key (hh_live_…); required with a URL upstream"),
    secret(
        "TESSERA_HANGHUT_WEBHOOK_SECRET",
        "Verifies X-HangHut-Signature; required with a URL upstream [default: generated for the sandbox]",
    ),
    plain("TESSERA_SUCCESS_URL", "The page buyers return to after paying [default: the demo page]", None),
    plain("TESSERA_CANCEL_URL", "The page buyers return to after cancelling [default: the demo page]", None),
    plain(
        "TESSERA_ALLOWED_ORIGINS",
        "Comma-separated origins whose pages may call the API [default: the proxy's own]",
        None,
    ),
    plain(
        "TESSERA_TRUSTED_PROXIES",
        "Comma-separated IPs or CIDRs of load balancers whose X-Forwarded-For is believed [default: none]",
        None,
    ),
    plain("TESSERA_CHECKOUTS_PER_MINUTE", "Checkouts one client address may start per minute", Some("20")),
    plain("TESSERA_LIVE_STREAMS_PER_CLIENT", "Live streams one client address may hold open at once", Some("20")),
    plain(
        "TESSERA_PROMO_PREVIEWS_PER_MINUTE",
        "Promo-code previews one client address may ask for per minute",
        Some("10"),
    ),
    plain(
        "TESSERA_REQUEST_READ_TIMEOUT_MS",
        "Time a client has to send its headers, and again its body",
        Some("10000"),
    ),
    plain("TESSERA_DATA_DIR", "Where the SQLite files are (the proxy's state; the sandbox's data)", Some("data")),
    plain("TESSERA_WIDGET_DIR", "The built widget", Some("dist")),
    plain("TESSERA_EVENT_TTL_MS", "How long an event is served from the cache", Some("2000")),
    plain("TESSERA_UPSTREAM_TIMEOUT_MS", "Limit for every platform call", Some("5000")),
    plain(
        "TESSERA_UPSTREAM_PER_MINUTE",
        "Calls a minute the proxy makes to the platform (HangHut allows 100)",
        Some("90"),
    ),
    plain("TESSERA_HANGHUT_CURRENCY", "Currency of HangHut's bare prices", Some("PHP")),
    plain("TESSERA_DEMO_EVENT", "The event the demo page features [default: the sandbox's first]", None),
    plain("TESSERA_SANDBOX_RATE_LIMIT", "Requests a minute the embedded sandbox allows", Some("100")),
    plain("TESSERA_SANDBOX_CHECKOUT_SECONDS", "How long the embedded sandbox holds an unpaid checkout's seats", Some("1800")),
    secret("TESSERA_SANDBOX_API_KEY", "The embedded sandbox's key, to look at it from outside [default: random]"),
    secret(
        "TESSERA_REDIS_URL",
        "The Redis several proxies share (redis://[:password@]host:port[/db]) [default: none, this proxy alone]",
    ),
    secret(
        "TESSERA_SMTP_URL",
        "SMTP server for waiting-list emails (smtps://user:pass@host:465, smtp://host:587?tls=required; plain smtp:// on loopback only); turns the waiting list on [default: off]",
    ),
    plain("TESSERA_MAIL_FROM", "From of waiting-list emails (`Tickets <tickets@shop.example>`); required with TESSERA_SMTP_URL", None),
    plain("TESSERA_WAITLIST_BATCH", "Most people emailed when seats come back in a tier (one per seat, up to this) [default: 50]", None),
    plain("TESSERA_WAITLIST_WEBHOOK_URL", "Where the site owner hears of each waiting-list round (signed POST) [default: none]", None),
    secret("TESSERA_WAITLIST_WEBHOOK_SECRET", "Signs the waiting-list webhook (X-Tessera-Signature); required with its URL"),
    plain("TESSERA_LOG", "Log filter (info, debug, tessera_proxy=debug, …)", Some("info")),
    plain("TESSERA_LOG_FORMAT", "text, or json (one object a line)", Some("text")),
    plain("TESSERA_TICKETWAVE_URL", "`sandbox`, or TicketWave's base URL; turns TicketWave on [default: off]", None),
    plain("TESSERA_TICKETWAVE_EMAIL", "The TicketWave account the proxy logs in with", None),
    secret("TESSERA_TICKETWAVE_PASSWORD", "That account's password"),
    secret("TESSERA_TICKETWAVE_WEBHOOK_SECRET", "Verifies X-TicketWave-Signature"),
    plain("TESSERA_TICKETWAVE_CURRENCY", "Currency of TicketWave's prices", Some("EUR")),
    plain(
        "TESSERA_TICKETWAVE_TIME_ZONE",
        "IANA time zone of TicketWave's local times, e.g. Europe/Madrid (summer time included)",
        None,
    ),
    // No default here: set beside TESSERA_TICKETWAVE_TIME_ZONE it is refused, which a default would be.
    plain(
        "TESSERA_TICKETWAVE_UTC_OFFSET",
        "Fixed UTC offset of TicketWave's local times, instead of a time zone [default: +00:00]",
        None,
    ),
    secret("TESSERA_VIVENU_HMAC_KEY", "The vivenu webhook's hmacKey; turns vivenu on"),
    plain("TESSERA_VIVENU_IGNORE_DEV", "Answer vivenu's mode: \"dev\" deliveries without applying them", Some("false")),
    plain("TESSERA_VIVENU_CURRENCY", "Currency of vivenu's events", Some("EUR")),
    secret("TESSERA_INGRESSE_TOKEN", "The secret URL token of /webhooks/ingresse/{token}; turns Ingresse on"),
    plain("TESSERA_INGRESSE_CURRENCY", "Currency of Ingresse's prices", Some("BRL")),
    secret("TESSERA_TIXEL_TOKEN", "The secret URL token of /webhooks/tixel/{token}; turns Tixel on"),
    plain("TESSERA_TIXEL_EVENTS", "tixel_event_id=event_id,… : whose resales each event shows", None),
    Setting {
        var: "TESSERA_TEST_HOLD_WEBHOOK_APPLY",
        help: "Test hook: deliveries are stored and then held (never in production)",
        default: None,
        secret: false,
        hidden: true,
    },
];

/// The settings as found: each variable's value and where it came from.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    values: HashMap<&'static str, (String, Source)>,
    /// The file given with `--config`, read.
    file: Option<PathBuf>,
}

/// Where a setting's value came from, for `check-config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    File,
    Default,
}

impl Setting {
    /// `TESSERA_UPSTREAM_PER_MINUTE` → `upstream-per-minute`, the flag.
    pub fn flag(&self) -> String {
        self.key().replace('_', "-")
    }

    /// `TESSERA_UPSTREAM_PER_MINUTE` → `upstream_per_minute`, the TOML key.
    pub fn key(&self) -> String {
        self.var.trim_start_matches("TESSERA_").to_lowercase()
    }

    fn arg(&self) -> Arg {
        let mut arg = Arg::new(self.var)
            .long(self.flag())
            .env(self.var)
            .help(self.help)
            .value_name("VALUE")
            .action(ArgAction::Set)
            .hide(self.hidden)
            .hide_env_values(self.secret)
            .help_heading("Settings (each flag is also its TESSERA_* variable, or a key of the --config file)");
        if let Some(default) = self.default {
            arg = arg.default_value(default);
        }
        arg
    }
}

impl Settings {
    /// The value of `var`, as `Config::from_lookup` asks for it.
    pub fn get(&self, var: &str) -> Option<String> {
        self.values.get(var).map(|(v, _)| v.clone())
    }

    /// Every setting that has a value, in `SETTINGS`'s order, with secrets hidden: what
    /// `check-config` prints.
    pub fn describe(&self) -> Vec<String> {
        SETTINGS
            .iter()
            .filter(|s| !s.hidden)
            .filter_map(|s| {
                let (value, source) = self.values.get(s.var)?;
                let shown = if s.secret { "(set, not shown)".to_owned() } else { value.clone() };
                Some(format!("{} = {shown}   ({})", s.var, source.describe()))
            })
            .collect()
    }

    /// The file read, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Fills what neither a flag nor a variable set from the TOML file at `path`.
    fn read_file(&mut self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let table: toml::Table = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
        for (key, value) in table {
            let setting = SETTINGS.iter().find(|s| s.key() == key).ok_or_else(|| {
                format!("{}: `{key}` is no setting (tessera-proxy --help lists them)", path.display())
            })?;
            let value = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Array(items) => {
                    // Lists (origins, proxies) as arrays of strings, joined as the variable has them.
                    let parts: Option<Vec<String>> = items.into_iter().map(|v| v.as_str().map(str::to_owned)).collect();
                    parts.ok_or_else(|| format!("{}: `{key}` must be a list of strings", path.display()))?.join(",")
                }
                other => return Err(format!("{}: `{key}` cannot be a {}", path.display(), other.type_str())),
            };
            let current = self.values.get(setting.var).map(|(_, source)| *source);
            if matches!(current, None | Some(Source::Default)) {
                self.values.insert(setting.var, (value, Source::File));
            }
        }
        self.file = Some(path.to_owned());
        Ok(())
    }
}

impl Source {
    fn describe(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Environment => "environment",
            Source::File => "config file",
            Source::Default => "default",
        }
    }
}

impl FromArgMatches for Settings {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut settings = Settings::default();
        settings.update_from_arg_matches(matches)?;
        Ok(settings)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for s in SETTINGS {
            let Some(value) = matches.get_one::<String>(s.var) else { continue };
            let source = match matches.value_source(s.var) {
                Some(ValueSource::CommandLine) => Source::Flag,
                Some(ValueSource::EnvVariable) => Source::Environment,
                _ => Source::Default,
            };
            self.values.insert(s.var, (value.clone(), source));
        }
        if let Some(path) = matches.get_one::<PathBuf>("TESSERA_CONFIG") {
            self.read_file(path).map_err(|e| clap::Error::raw(clap::error::ErrorKind::ValueValidation, e + "\n"))?;
        }
        Ok(())
    }
}

impl Args for Settings {
    fn augment_args(cmd: Command) -> Command {
        let config = Arg::new("TESSERA_CONFIG")
            .long("config")
            .env("TESSERA_CONFIG")
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .global(true)
            .help("A TOML file of settings (keys: the variables' names without TESSERA_, in lower case)");
        cmd.arg(config).args(SETTINGS.iter().map(|s| s.arg().global(true)))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    fn parse(args: &[&str]) -> Result<Settings, clap::Error> {
        use clap::Parser;
        Cli::try_parse_from(std::iter::once("tessera-proxy").chain(args.iter().copied())).map(|c| c.settings)
    }

    #[test]
    fn each_setting_has_its_own_flag_and_key() {
        let mut flags: Vec<String> = SETTINGS.iter().map(Setting::flag).collect();
        flags.sort();
        flags.dedup();
        assert_eq!(flags.len(), SETTINGS.len());
        assert!(SETTINGS.iter().all(|s| s.var.starts_with("TESSERA_")));
    }

    #[test]
    fn a_flag_wins_over_the_file_and_the_file_over_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proxy.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\nupstream_per_minute = 45\nallowed_origins = [\"https://a.example\", \"https://b.example\"]\n",
        )
        .unwrap();
        let s = parse(&["--config", file.to_str().unwrap(), "--upstream-per-minute", "30"]).unwrap();
        assert_eq!(s.get("TESSERA_LISTEN").as_deref(), Some("0.0.0.0:9000"));
        assert_eq!(s.get("TESSERA_UPSTREAM_PER_MINUTE").as_deref(), Some("30"));
        assert_eq!(s.get("TESSERA_ALLOWED_ORIGINS").as_deref(), Some("https://a.example,https://b.example"));
        assert_eq!(s.get("TESSERA_EVENT_TTL_MS").as_deref(), Some("2000"));
        assert_eq!(s.get("TESSERA_API_KEY"), None);
    }

    #[test]
    fn a_key_that_is_no_setting_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proxy.toml");
        std::fs::write(&file, "upstream_per_minut = 45\n").unwrap();
        let e = parse(&["--config", file.to_str().unwrap()]).unwrap_err().to_string();
        assert!(e.contains("`upstream_per_minut` is no setting"), "{e}");
    }

    #[test]
    fn secrets_are_never_described() {
        let s = parse(&["--api-key", "hh_live_very_secret_key"]).unwrap();
        let shown = s.describe().join("\n");
        assert!(!shown.contains("very_secret"), "{shown}");
        assert!(shown.contains("TESSERA_API_KEY = (set, not shown)   (flag)"), "{shown}");
        assert!(shown.contains("TESSERA_LISTEN = 127.0.0.1:8080   (default)"), "{shown}");
    }
}
