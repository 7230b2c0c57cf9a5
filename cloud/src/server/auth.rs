//! Who is calling: access tokens, which
//! expire and live in the server's memory. Refresh tokens and login keys, which trade
//! for new access tokens, are kept in the backend, so after a restart clients (impt)
//! get a new access token as they would after one expired.

use super::error::ApiError;
use impish_factory::cloud::AccountId;
use rand_core::{OsRng, RngCore};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// 32 random bytes as hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An access token as the client receives it.
pub struct Grant {
    pub access_token: String,
    pub expires_at: SystemTime,
    pub lifetime: Duration,
    pub refresh_token: Option<String>,
}

/// The access tokens handed out, with their accounts and expiry.
pub struct Sessions {
    lifetime: Duration,
    access: HashMap<String, (AccountId, SystemTime)>,
}

impl Sessions {
    /// Sessions whose access tokens last `lifetime`.
    pub fn new(lifetime: Duration) -> Sessions {
        Sessions { lifetime, access: HashMap::new() }
    }

    /// A new access token for `account`, given with `refresh_token` if any.
    pub fn grant(&mut self, account: AccountId, refresh_token: Option<String>) -> Grant {
        let access_token = random_token();
        let expires_at = SystemTime::now() + self.lifetime;
        self.access.insert(access_token.clone(), (account, expires_at));
        Grant { access_token, expires_at, lifetime: self.lifetime, refresh_token }
    }

    /// The account of a request's `Authorization: Bearer TOKEN`.
    pub fn account_of(&self, authorization: Option<&str>) -> Result<AccountId, ApiError> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::unauthorized("an access token is required"))?;
        match self.access.get(token.trim()) {
            Some((account, expires)) if *expires > SystemTime::now() => Ok(*account),
            Some(_) => Err(ApiError::unauthorized("the access token has expired")),
            None => Err(ApiError::unauthorized("invalid access token")),
        }
    }
}

/// A new refresh token or login key (32 random bytes as hex).
pub fn new_token() -> String {
    random_token()
}
