//! `POST /api/auth/login` and the JWTs it hands out: HS256, `exp` the configured lifetime
//! ahead (the document: 7 days). Passwords and tokens are never logged or echoed.

use super::body;
use super::error::{missing_fields, TwError, TwResult};
use super::server::TwState;
use super::stamp;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The sandbox's one organiser account, as `sub` and as the scanner in `checkin.completed`.
pub(crate) const ACCOUNT_ID: &str = "usr_sandbox01";

/// Who a valid token speaks for (an extension on authenticated requests).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Account(pub String);

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    email: String,
    /// Tokens of an older generation were revoked (`POST /sandbox/revoke-tokens`).
    gen: u64,
    iat: i64,
    exp: i64,
}

pub(crate) struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
    generation: AtomicU64,
}

impl Tokens {
    pub(crate) fn new(secret: &[u8], ttl: Duration) -> Tokens {
        let mut validation = Validation::new(Algorithm::HS256);
        // jsonwebtoken forgives 60 s by default; a short test lifetime must really end.
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
            generation: AtomicU64::new(0),
        }
    }

    pub(crate) fn issue(&self, email: &str, now: DateTime<Utc>) -> TwResult<(String, DateTime<Utc>)> {
        let exp = now + chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::MAX);
        let claims = Claims {
            sub: ACCOUNT_ID.into(),
            email: email.into(),
            gen: self.generation.load(Ordering::SeqCst),
            iat: now.timestamp(),
            exp: exp.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| TwError::Internal(format!("signing a token: {e}")))?;
        Ok((token, DateTime::from_timestamp(claims.exp, 0).unwrap_or(exp)))
    }

    /// The account a request's `Authorization: Bearer <jwt>` speaks for.
    pub(crate) fn account(&self, headers: &HeaderMap) -> TwResult<Account> {
        let token = crate::auth::bearer_token(headers).ok_or(TwError::Unauthorized("Missing authorization token"))?;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|e| {
            TwError::Unauthorized(match e.kind() {
                ErrorKind::ExpiredSignature => "Token expired",
                _ => "Invalid token",
            })
        })?;
        if data.claims.gen != self.generation.load(Ordering::SeqCst) {
            return Err(TwError::Unauthorized("Token revoked"));
        }
        Ok(Account(data.claims.sub))
    }

    /// Every token issued so far stops working (sandbox-only: lets a client's renewal on 401
    /// be exercised without waiting a token's lifetime).
    pub(crate) fn revoke_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Deserialize)]
struct Credentials {
    email: Option<String>,
    password: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginAnswer {
    token: String,
    expires_at: String,
}

pub(crate) async fn login(State(state): State<TwState>, bytes: Bytes) -> TwResult<Json<serde_json::Value>> {
    let given: Credentials = body::parse(&bytes)?;
    let (Some(email), Some(password)) = (given.email, given.password) else { return Err(missing_fields()) };
    let config = state.config();
    let email_ok = email.trim().eq_ignore_ascii_case(config.email.trim());
    // Both checks always run, so timing does not tell which of the two was wrong.
    let password_ok = constant_time_eq(password.as_bytes(), config.password.as_bytes());
    if !(email_ok && password_ok) {
        return Err(TwError::Unauthorized("Invalid credentials"));
    }
    let (token, expires) = state.tokens().issue(config.email.trim(), super::now())?;
    tracing::info!("TicketWave sandbox: login");
    let answer = LoginAnswer { token, expires_at: stamp(expires) };
    Ok(Json(serde_json::to_value(answer).map_err(|e| TwError::Internal(e.to_string()))?))
}

pub(crate) async fn revoke_tokens(State(state): State<TwState>) -> StatusCode {
    state.tokens().revoke_all();
    tracing::info!("TicketWave sandbox: every token issued so far is revoked");
    StatusCode::NO_CONTENT
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header, HeaderValue};

    fn bearer(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {token}")).unwrap());
        h
    }

    #[test]
    fn a_token_is_valid_until_exp_and_only_under_its_key() {
        let tokens = Tokens::new(b"k1", Duration::from_secs(60));
        let (token, exp) = tokens.issue("a@example.com", Utc::now()).unwrap();
        assert!((exp - Utc::now()).num_seconds() > 55);
        assert_eq!(tokens.account(&bearer(&token)).unwrap(), Account(ACCOUNT_ID.into()));
        let other = Tokens::new(b"k2", Duration::from_secs(60));
        assert!(matches!(other.account(&bearer(&token)), Err(TwError::Unauthorized("Invalid token"))));
        let (old, _) = tokens.issue("a@example.com", Utc::now() - chrono::Duration::seconds(120)).unwrap();
        assert!(matches!(tokens.account(&bearer(&old)), Err(TwError::Unauthorized("Token expired"))));
        assert!(matches!(tokens.account(&HeaderMap::new()), Err(TwError::Unauthorized(_))));
    }

    #[test]
    fn revoking_ends_every_token_issued_before() {
        let tokens = Tokens::new(b"k", Duration::from_secs(60));
        let (before, _) = tokens.issue("a@example.com", Utc::now()).unwrap();
        tokens.revoke_all();
        let (after, _) = tokens.issue("a@example.com", Utc::now()).unwrap();
        assert!(tokens.account(&bearer(&before)).is_err());
        assert!(tokens.account(&bearer(&after)).is_ok());
    }
}
