//! Logging in (`/auth`, `/auth/token`), the account (`/accounts/me`), its refresh tokens
//! and login keys.

use super::auth::{new_token, Grant};
use super::resources::{self, timestamp};
use super::{ApiError, Reply, Request, Response, Server};
use crate::password;
use impish_factory::cloud::{AccountId, Credential, CredentialKind};
use serde_json::{json, Value};
use std::time::UNIX_EPOCH;

fn grant_body(grant: Grant) -> Value {
    let expires_at = grant.expires_at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut body = json!({
        "access_token": grant.access_token,
        "expires_in": grant.lifetime.as_secs(),
        "expires_at": timestamp(expires_at),
    });
    if let Some(refresh) = grant.refresh_token {
        body["refresh_token"] = refresh.into();
    }
    body
}

fn body_text<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.body[name].as_str()
}

impl Server {
    /// `POST /auth {id, password}`: an access and a refresh token.
    pub(super) fn login(&mut self, request: &Request) -> Result<Response, ApiError> {
        let wrong = || ApiError::unauthorized("wrong user identifier or password");
        let (Some(id), Some(password)) = (body_text(request, "id"), body_text(request, "password")) else {
            return Err(ApiError::bad_request("id and password are required"));
        };
        let account = self.cloud.account_named(id)?.ok_or_else(wrong)?;
        if !password::matches(password, &account.password_hash) {
            return Err(wrong());
        }
        let refresh_token = self.keep(account.id, CredentialKind::RefreshToken, String::new())?;
        Ok(Response::ok(grant_body(self.sessions().grant(account.id, Some(refresh_token)))))
    }

    /// Keeps a new credential of `kind`; its token.
    fn keep(&mut self, account: AccountId, kind: CredentialKind, description: String) -> Result<String, ApiError> {
        let token = new_token();
        self.cloud.add_credential(Credential { token: token.clone(), account, kind, description })?;
        Ok(token)
    }

    /// The account whose credential of `kind` `token` is.
    fn holder(&self, token: &str, kind: CredentialKind) -> Result<AccountId, ApiError> {
        match self.cloud.credential(token)? {
            Some(c) if c.kind == kind => Ok(c.account),
            _ => Err(ApiError::unauthorized(format!("invalid {}", kind.name().replace('_', " ")))),
        }
    }

    /// The account's login key `id`.
    fn own_login_key(&self, account: AccountId, id: &str) -> Result<Credential, ApiError> {
        self.cloud
            .credential(id)?
            .filter(|c| c.account == account && c.kind == CredentialKind::LoginKey)
            .ok_or_else(|| ApiError::not_found("login key", id))
    }

    /// `POST /auth/token {token}` (a refresh token) or `{key}` (a login key).
    pub(super) fn token(&mut self, request: &Request) -> Result<Response, ApiError> {
        let account = match (body_text(request, "token"), body_text(request, "key")) {
            (Some(token), _) => self.holder(token, CredentialKind::RefreshToken)?,
            (None, Some(key)) => self.holder(key, CredentialKind::LoginKey)?,
            (None, None) => return Err(ApiError::bad_request("a refresh token or a login key is required")),
        };
        Ok(Response::ok(grant_body(self.sessions().grant(account, None))))
    }

    fn me(&self, account: AccountId, id: &str) -> Result<Value, ApiError> {
        if id != "me" && id != account.to_string() {
            return Err(ApiError::not_found("account", id));
        }
        Ok(resources::account(&self.cloud.account(account)?))
    }

    fn login_key(id: &str, description: &str) -> Value {
        json!({ "type": "login_key", "id": id, "attributes": { "description": description } })
    }

    /// Checks the account password a login key change must carry.
    fn check_password(&self, request: &Request, account: AccountId) -> Result<(), ApiError> {
        let password = request.header("X-Electricimp-Password").unwrap_or_default();
        match password::matches(password, &self.cloud.account(account)?.password_hash) {
            true => Ok(()),
            false => Err(ApiError::new(403, "Forbidden", "Forbidden", "the account password is required")),
        }
    }

    pub(super) fn accounts(&mut self, request: &Request, account: AccountId, path: &[&str]) -> Reply {
        match (request.method.as_str(), path) {
            ("GET", []) => {
                Ok(Response::ok(resources::page(vec![self.me(account, "me")?], &request.query, "/accounts")))
            }
            ("GET", [id]) => Ok(Response::ok(json!({ "data": self.me(account, id)? }))),
            ("GET", ["me", "refresh_tokens"]) => {
                let tokens = self.cloud.credentials(account, CredentialKind::RefreshToken)?;
                let data: Vec<Value> =
                    tokens.iter().map(|t| json!({ "type": "refresh_token", "id": t.token })).collect();
                Ok(Response::ok(json!({ "data": data })))
            }
            ("DELETE", ["me", "refresh_tokens", token]) => match self.holder(token, CredentialKind::RefreshToken) {
                Ok(holder) if holder == account => {
                    self.cloud.remove_credential(token)?;
                    Ok(Response::no_content())
                }
                _ => Err(ApiError::not_found("refresh token", token)),
            },
            ("GET", ["me", "login_keys"]) => {
                let keys = self.cloud.credentials(account, CredentialKind::LoginKey)?;
                let data = keys.iter().map(|k| Self::login_key(&k.token, &k.description)).collect();
                Ok(Response::ok(resources::page(data, &request.query, "/accounts/me/login_keys")))
            }
            ("GET", ["me", "login_keys", id]) => {
                let key = self.own_login_key(account, id)?;
                Ok(Response::ok(json!({ "data": Self::login_key(id, &key.description) })))
            }
            ("POST", ["me", "login_keys"]) => {
                self.check_password(request, account)?;
                let description = request.attribute("description")?.unwrap_or_default();
                let key = self.keep(account, CredentialKind::LoginKey, description.clone())?;
                Ok(Response::created(json!({ "data": Self::login_key(&key, &description) })))
            }
            ("PATCH", ["me", "login_keys", id]) => {
                self.check_password(request, account)?;
                let mut key = self.own_login_key(account, id)?;
                if let Some(description) = request.attribute("description")? {
                    key.description = description;
                    self.cloud.remove_credential(id)?;
                    self.cloud.add_credential(key.clone())?;
                }
                Ok(Response::ok(json!({ "data": Self::login_key(id, &key.description) })))
            }
            ("DELETE", ["me", "login_keys", id]) => {
                self.check_password(request, account)?;
                self.own_login_key(account, id)?;
                self.cloud.remove_credential(id)?;
                Ok(Response::no_content())
            }
            _ => Err(self.no_route(request)),
        }
    }
}
