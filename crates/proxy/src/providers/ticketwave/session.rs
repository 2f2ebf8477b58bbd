//! The TicketWave login: a JWT (the document: "valid for 7 days") kept for every call and
//! renewed before it runs out. Its expiry is read from the token's own `exp` claim, else
//! from the login answer's `expiresAt` (the sandbox's choice; the document names neither),
//! else taken as the document's 7 days. A token the platform refuses earlier is dropped and
//! renewed on that 401 (see the client).

use base64::Engine;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::Duration;

/// The document's token lifetime, for a login answer that does not say.
const DOCUMENTED_LIFETIME: ChronoDuration = ChronoDuration::days(7);

/// Renew this long before expiry at most; a quarter of the lifetime when that is shorter
/// (short-lived test tokens).
const RENEW_AHEAD: ChronoDuration = ChronoDuration::days(1);

/// After the platform refuses the email and password, logins wait this long: every read
/// would otherwise try again, and login is limited too (public class, 30 a minute).
pub(super) const REFUSED_LOGIN_PAUSE: Duration = Duration::from_secs(60);

/// `POST /api/auth/login`'s answer. The document only says it "includes a JWT token".
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LoginAnswer {
    #[serde(alias = "accessToken", alias = "jwt")]
    pub token: String,
    #[serde(default, alias = "expires_at")]
    pub expires_at: Option<String>,
}

pub(super) struct Session {
    pub token: SecretString,
    expires: DateTime<Utc>,
    renew_at: DateTime<Utc>,
}

impl Session {
    pub fn new(answer: LoginAnswer, now: DateTime<Utc>) -> Session {
        let expires = jwt_expiry(&answer.token)
            .or_else(|| {
                answer.expires_at.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.to_utc())
            })
            .unwrap_or(now + DOCUMENTED_LIFETIME);
        let ahead = ((expires - now) / 4).min(RENEW_AHEAD).max(ChronoDuration::zero());
        Session { token: SecretString::from(answer.token), expires, renew_at: expires - ahead }
    }

    /// Good for a call without renewing first.
    pub fn fresh(&self, now: DateTime<Utc>) -> bool {
        now < self.renew_at
    }

    /// Still accepted by the platform (if it was not revoked): usable when renewal fails.
    pub fn valid(&self, now: DateTime<Utc>) -> bool {
        now < self.expires
    }

    pub fn is(&self, token: &SecretString) -> bool {
        self.token.expose_secret() == token.expose_secret()
    }
}

/// The `exp` claim of a JWT, read without checking its signature: only the platform can, and
/// a wrong `exp` costs one 401 and a login.
fn jwt_expiry(token: &str) -> Option<DateTime<Utc>> {
    let payload = token.split('.').nth(1)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&json).ok()?;
    DateTime::from_timestamp(claims.get("exp")?.as_i64()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let part = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", part(r#"{"alg":"HS256","typ":"JWT"}"#), part(claims))
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    #[test]
    fn expiry_comes_from_the_jwt_then_expires_at_then_the_document() {
        let now = at(1_800_000_000);
        let exp = 1_800_000_000 + 7 * 86_400;
        let from_jwt = Session::new(LoginAnswer { token: jwt(&format!(r#"{{"exp":{exp}}}"#)), expires_at: None }, now);
        assert_eq!(from_jwt.expires, at(exp));
        let answer = LoginAnswer { token: "opaque".into(), expires_at: Some("2027-01-15T08:00:00.000Z".into()) };
        assert_eq!(Session::new(answer, now).expires.to_rfc3339(), "2027-01-15T08:00:00+00:00");
        let neither = Session::new(LoginAnswer { token: "opaque".into(), expires_at: None }, now);
        assert_eq!(neither.expires, now + ChronoDuration::days(7));
    }

    #[test]
    fn a_week_long_token_is_renewed_a_day_ahead_and_a_short_one_a_quarter_ahead() {
        let now = at(1_800_000_000);
        let week = Session::new(
            LoginAnswer { token: jwt(&format!(r#"{{"exp":{}}}"#, 1_800_000_000 + 7 * 86_400)), expires_at: None },
            now,
        );
        assert!(week.fresh(now + ChronoDuration::days(5)));
        assert!(!week.fresh(now + ChronoDuration::days(6) + ChronoDuration::seconds(1)));
        assert!(week.valid(now + ChronoDuration::days(6) + ChronoDuration::seconds(1)));
        let short = Session::new(LoginAnswer { token: jwt(r#"{"exp":1800000004}"#), expires_at: None }, now);
        assert!(short.fresh(now + ChronoDuration::milliseconds(2900)));
        assert!(!short.fresh(now + ChronoDuration::seconds(3)));
    }

    #[test]
    fn unreadable_tokens_have_no_expiry_of_their_own() {
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
        assert_eq!(jwt_expiry(&jwt(r#"{"sub":"x"}"#)), None);
    }
}
