//! Who is calling: passwords (argon2 hashes in the backend), and the server's tokens —
//! access tokens that expire, refresh tokens and login keys that trade for new ones.
//! Tokens are random and live in the server's memory: after a restart, clients log in
//! again (impt does so itself with a login key or its saved credentials).

use super::error::ApiError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use impish_factory::cloud::AccountId;
use rand_core::{OsRng, RngCore};
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// The PHC string of `password`'s argon2id hash, with a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// 32 random bytes as hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub struct LoginKey {
    pub account: AccountId,
    pub description: String,
}

/// An access token as the client receives it.
pub struct Grant {
    pub access_token: String,
    pub expires_at: SystemTime,
    pub lifetime: Duration,
    pub refresh_token: Option<String>,
}

pub struct Sessions {
    lifetime: Duration,
    access: HashMap<String, (AccountId, SystemTime)>,
    refresh: HashMap<String, AccountId>,
    login_keys: HashMap<String, LoginKey>,
}

impl Sessions {
    /// Sessions whose access tokens last `lifetime`.
    pub fn new(lifetime: Duration) -> Sessions {
        Sessions { lifetime, access: HashMap::new(), refresh: HashMap::new(), login_keys: HashMap::new() }
    }

    /// A new access token for `account`, with a refresh token when `with_refresh`.
    pub fn grant(&mut self, account: AccountId, with_refresh: bool) -> Grant {
        let access_token = random_token();
        let expires_at = SystemTime::now() + self.lifetime;
        self.access.insert(access_token.clone(), (account, expires_at));
        let refresh_token = with_refresh.then(|| {
            let token = random_token();
            self.refresh.insert(token.clone(), account);
            token
        });
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

    pub fn refresh(&mut self, token: &str) -> Result<Grant, ApiError> {
        let account = *self.refresh.get(token).ok_or_else(|| ApiError::unauthorized("invalid refresh token"))?;
        Ok(self.grant(account, false))
    }

    pub fn with_login_key(&mut self, key: &str) -> Result<Grant, ApiError> {
        let account = self.login_keys.get(key).ok_or_else(|| ApiError::unauthorized("invalid login key"))?.account;
        Ok(self.grant(account, false))
    }

    /// Refresh tokens of `account`.
    pub fn refresh_tokens(&self, account: AccountId) -> Vec<&str> {
        self.refresh.iter().filter(|(_, a)| **a == account).map(|(t, _)| t.as_str()).collect()
    }

    pub fn revoke_refresh(&mut self, account: AccountId, token: &str) -> bool {
        self.refresh.get(token) == Some(&account) && self.refresh.remove(token).is_some()
    }

    /// A new login key (its id is the key itself, as impCentral's).
    pub fn add_login_key(&mut self, account: AccountId, description: &str) -> String {
        let key = random_token();
        self.login_keys.insert(key.clone(), LoginKey { account, description: description.into() });
        key
    }

    pub fn login_keys(&self, account: AccountId) -> Vec<(&str, &LoginKey)> {
        let mut keys: Vec<_> =
            self.login_keys.iter().filter(|(_, k)| k.account == account).map(|(id, k)| (id.as_str(), k)).collect();
        keys.sort_by_key(|(id, _)| *id);
        keys
    }

    pub fn login_key_mut(&mut self, account: AccountId, id: &str) -> Option<&mut LoginKey> {
        self.login_keys.get_mut(id).filter(|k| k.account == account)
    }

    pub fn remove_login_key(&mut self, account: AccountId, id: &str) -> bool {
        self.login_key_mut(account, id).is_some() && self.login_keys.remove(id).is_some()
    }
}
