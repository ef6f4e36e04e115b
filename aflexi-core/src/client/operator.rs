//! Who the client acts for: the operator's identity (checked once, cached for the process),
//! full publisher usernames and the portal where publishers log in.

use std::collections::HashMap;
use std::sync::Mutex;

use once_cell::sync::Lazy;
use serde_json::{json, Value};

use super::model::{self, operator_from, results};
use super::{lock, Client, Operator, DEFAULT_PORTAL_URL};
use crate::{Error, Result};

/// Operators seen by this process, so a PHP worker looks its operator up once.
type OperatorKey = (String, String, u64);
static OPERATORS: Lazy<Mutex<HashMap<OperatorKey, Operator>>> =
    Lazy::new(|| Mutex::new(HashMap::new()));

impl Client {
    /// Checks the credentials: the login and auth key must be accepted and belong to an
    /// OPERATOR account. Always asks the API; caches the identity on success.
    pub async fn verify_credentials(&self) -> Result<Operator> {
        let filter = json!({"self": true});
        let options = json!({"extract": {"id": true, "username": true, "email": true, "name": true, "role": true}});
        let login = &self.config().login;
        let answer = match self.transport.read("user.get", vec![filter, options]).await {
            Ok(v) => v,
            // An unknown login may also come back as a "not found" fault. The fault's own
            // text is in the call log; the message is ours.
            Err(e @ (Error::Fault { .. } | Error::NotFound(_))) => {
                let fault = match e {
                    Error::Fault { code, .. } => format!("fault {code}"),
                    _ => "not found".to_string(),
                };
                return Err(Error::Authentication(format!(
                    "the Aflexi API rejected the login '{login}' or its auth key ({fault}); check the server record's username and password/access hash"
                )));
            }
            Err(e) => return Err(e),
        };
        let rows = results(answer, "user.get")?;
        let user = rows.first().ok_or_else(|| {
            Error::Authentication(format!(
                "the Aflexi API knows no user for the login '{login}' with this auth key"
            ))
        })?;
        let role = model::str_member(user, "role", "user.get")?;
        if !role.eq_ignore_ascii_case("OPERATOR") {
            return Err(Error::Authentication(format!(
                "the account '{login}' has the role {}; an OPERATOR account is required",
                if role.is_empty() { "(none)" } else { &role }
            )));
        }
        let operator = operator_from(user, "user.get")?;
        *lock(&self.operator) = Some(operator.clone());
        lock(&OPERATORS).insert(self.operator_key(), operator.clone());
        Ok(operator)
    }

    /// The operator's identity, cached for the process after the first lookup.
    pub async fn operator(&self) -> Result<Operator> {
        if let Some(op) = lock(&self.operator).clone() {
            return Ok(op);
        }
        if let Some(op) = lock(&OPERATORS).get(&self.operator_key()).cloned() {
            *lock(&self.operator) = Some(op.clone());
            return Ok(op);
        }
        self.verify_credentials().await
    }

    /// The operator's id: from the settings when known, else from [`Client::operator`].
    pub async fn operator_id(&self) -> Result<i64> {
        match self.config().operator_id {
            Some(id) => Ok(id),
            None => Ok(self.operator().await?.id),
        }
    }

    fn operator_key(&self) -> OperatorKey {
        use std::hash::{Hash, Hasher};
        let c = self.config();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        c.auth_key.expose().hash(&mut h);
        (c.endpoint.clone(), c.login.clone(), h.finish())
    }

    /// `<local>/<operatorId>`, unless `username` already ends in `/<operatorId>`.
    pub async fn full_username(&self, username: &str) -> Result<String> {
        let username = username.trim();
        if username.is_empty() {
            return Err(Error::invalid(
                "username",
                "the publisher username is empty",
            ));
        }
        let suffix = format!("/{}", self.operator_id().await?);
        if username.ends_with(&suffix) {
            Ok(username.to_string())
        } else {
            Ok(format!("{username}{suffix}"))
        }
    }

    /// The URL where the operator's publishers log in: the branded portal when the operator
    /// has one, else the unbranded portal under `/p/<portalName>` or `/p/<operatorId>`.
    pub async fn portal_url(&self) -> Result<String> {
        let op = self.operator_id().await?;
        let answer = self
            .transport
            .read("themability.get", vec![json!({"operator": op})])
            .await?;
        let theme = results(answer, "themability.get")?
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        portal_url_from(&theme, op)
    }
}

fn portal_url_from(theme: &Value, operator_id: i64) -> Result<String> {
    let url = model::str_member(theme, "portalUrl", "themability.get")?;
    let url = url.trim().trim_end_matches('/');
    let branded = !url.is_empty() && !url.eq_ignore_ascii_case(DEFAULT_PORTAL_URL);
    if branded {
        return Ok(url.to_string());
    }
    let name = model::str_member(theme, "portalName", "themability.get")?;
    let name = name.trim();
    Ok(if name.is_empty() {
        format!("{DEFAULT_PORTAL_URL}/p/{operator_id}")
    } else {
        format!("{DEFAULT_PORTAL_URL}/p/{name}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::DEFAULT_PORTAL_URL;

    #[test]
    fn branded_portal_wins_then_vanity_name_then_operator_id() {
        let branded = json!({"portalUrl": "https://cdn.acme.test/", "portalName": "acme"});
        assert_eq!(
            portal_url_from(&branded, 7).unwrap(),
            "https://cdn.acme.test"
        );
        let vanity = json!({"portalUrl": DEFAULT_PORTAL_URL, "portalName": "acme"});
        assert_eq!(
            portal_url_from(&vanity, 7).unwrap(),
            "http://portal.aflexi.net/p/acme"
        );
        assert_eq!(
            portal_url_from(&Value::Null, 7).unwrap(),
            "http://portal.aflexi.net/p/7"
        );
    }
}
