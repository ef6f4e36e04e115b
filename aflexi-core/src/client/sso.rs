//! Single sign-on to the publisher portal through the portal's OAuth
//! (docs/AFLEXI-API.md#portal-oauth):
//!
//! 1. [`Client::register_sso_consumer`], once per publisher: a `delegate` consumer registered
//!    with the operator's login and auth key, `auth_su` = the publisher, `auth_su_mode=locked`,
//!    so that anything signed with it acts as that publisher only. The caller stores it
//!    (encrypted) and reuses it.
//! 2. [`Client::sso_login_url`], per click: a 2-legged signed `oauth/request` gives a token,
//!    and the login URL carries it: `<mini>/?app=whmcs&oauth_token=…&auth_username=…`.
//!
//! The portal is not XML-RPC: form posts answered by JSON or a form body. Its failures map
//! onto the core's error kinds: 401/403 is [`Error::Authentication`], another status
//! [`TransportKind::Status`], an unreadable answer [`Error::Protocol`]. Nothing is retried:
//! a registration repeated after a lost answer would leave a second consumer.

use std::time::Duration;

use serde_json::Value;

use super::http::{http_client, read_limited, redirect_target, transport_failure};
use super::Client;
use crate::error::TransportKind;
use crate::oauth::{self, Signer, Stamp};
use crate::{Error, Result, Secret};

/// The publisher half of the portal, under the portal's origin (docs/AFLEXI-API.md#portal-oauth).
pub const PUBLISHER_PORTAL_SCRIPT: &str = "/mini_publisher.php";

/// The `app` and application title the portal is told (the old WHMCS plugin's).
pub const SSO_APP: &str = "whmcs";

/// Largest portal answer read (a consumer or a token is a few hundred bytes).
const MAX_PORTAL_ANSWER: usize = 64 * 1024;

/// A consumer registered on the portal for one publisher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    /// `consumer_key`: not secret by itself.
    pub key: String,
    /// `consumer_secret`: signs the requests; store encrypted.
    pub secret: Secret,
}

/// `<scheme>://<host>[:port]/mini_publisher.php` for the operator's portal URL (its path,
/// such as `/p/<name>`, is dropped: the script lives at the portal's root).
pub fn publisher_portal_base(portal_url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(portal_url.trim())
        .map_err(|e| Error::invalid("portal URL", format!("{portal_url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::invalid(
            "portal URL",
            format!("{portal_url:?} is not an http(s) URL with a host"),
        ));
    }
    let origin = parsed.origin().ascii_serialization();
    Ok(format!("{origin}{PUBLISHER_PORTAL_SCRIPT}"))
}

impl Client {
    /// Registers a locked `delegate` consumer for the publisher (local or full username) on
    /// the portal at `portal_url`. `callback` is the application URI the portal records.
    pub async fn register_sso_consumer(
        &self,
        portal_url: &str,
        publisher: &str,
        callback: &str,
    ) -> Result<Consumer> {
        let publisher = self.full_username(publisher).await?;
        let url = format!(
            "{}/oauth/register?format=json",
            publisher_portal_base(portal_url)?
        );
        let config = self.config();
        let body = oauth::form_body(&[
            ("generate", "1"),
            ("oauth_application_title", SSO_APP),
            ("oauth_application_type", "delegate"),
            ("application_uri", callback),
            ("auth_username", &config.login),
            ("auth_secret", config.auth_key.expose()),
            ("auth_su", &publisher),
            ("auth_su_mode", "locked"),
        ]);
        let answer = self.portal_post(&url, body, None, "oauth/register").await?;
        let json: Value = serde_json::from_slice(&answer).map_err(|_| {
            Error::Protocol("oauth/register: the portal's answer is not JSON".into())
        })?;
        let member = |name: &str| {
            json.get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .ok_or_else(|| Error::Protocol(format!("oauth/register: the answer has no {name}")))
        };
        Ok(Consumer {
            key: member("consumer_key")?,
            secret: Secret::new(member("consumer_secret")?),
        })
    }

    /// The portal URL that logs the publisher in, with a fresh token from `oauth/request`
    /// signed by the publisher's consumer.
    pub async fn sso_login_url(
        &self,
        portal_url: &str,
        consumer: &Consumer,
        publisher: &str,
    ) -> Result<String> {
        self.sso_login_url_stamped(portal_url, consumer, publisher, &Stamp::now())
            .await
    }

    /// [`Client::sso_login_url`] with a given time and nonce (tests replay one).
    pub async fn sso_login_url_stamped(
        &self,
        portal_url: &str,
        consumer: &Consumer,
        publisher: &str,
        stamp: &Stamp,
    ) -> Result<String> {
        let publisher = self.full_username(publisher).await?;
        let base = publisher_portal_base(portal_url)?;
        let url = format!("{base}/oauth/request");
        let signer = Signer {
            consumer_key: &consumer.key,
            consumer_secret: &consumer.secret,
            token: None,
        };
        let signed = oauth::sign("POST", &url, &[], &signer, stamp)?;
        let answer = self
            .portal_post(
                &url,
                String::new(),
                Some(signed.authorization()),
                "oauth/request",
            )
            .await?;
        let answer = String::from_utf8(answer).map_err(|_| {
            Error::Protocol("oauth/request: the portal's answer is not text".into())
        })?;
        let token = oauth::form_parameters(answer.trim())
            .into_iter()
            .find(|(k, v)| k == "oauth_token" && !v.is_empty())
            .map(|(_, v)| v)
            .ok_or_else(|| {
                Error::Protocol("oauth/request: the answer has no oauth_token".into())
            })?;
        Ok(format!(
            "{base}/?app={SSO_APP}&oauth_token={}&auth_username={}",
            oauth::encode(&token),
            oauth::encode(&publisher)
        ))
    }

    /// One form POST to the portal: the body of a 200 answer, else an error of its kind.
    async fn portal_post(
        &self,
        url: &str,
        body: String,
        authorization: Option<String>,
        what: &str,
    ) -> Result<Vec<u8>> {
        let config = self.config();
        let key = config.auth_key.expose().to_string();
        let scrub = |text: String| crate::secret::scrub(text, [key.as_str()]);
        let (http, _note) = http_client(config, url)?;
        let mut request = http
            .post(url)
            .timeout(Duration::max(
                config.request_timeout,
                Duration::from_secs(1),
            ))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body);
        if let Some(authorization) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, authorization);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Err(transport_failure(&e, url, what, scrub).await),
        };
        let status = response.status();
        if status.is_redirection() {
            return Err(Error::Transport {
                kind: TransportKind::Redirect(status.as_u16()),
                message: scrub(format!(
                    "{what}: the portal redirects to {}",
                    redirect_target(&response)
                )),
            });
        }
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(Error::Authentication(format!(
                "{what}: the portal refused the request (HTTP {})",
                status.as_u16()
            )));
        }
        if status != reqwest::StatusCode::OK {
            return Err(Error::Transport {
                kind: TransportKind::Status(status.as_u16()),
                message: format!("{what}: the portal answered HTTP {}", status.as_u16()),
            });
        }
        read_limited(response, MAX_PORTAL_ANSWER, what, &scrub).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_publisher_script_is_at_the_portal_root() {
        assert_eq!(
            publisher_portal_base("http://portal.aflexi.net/p/acme").unwrap(),
            "http://portal.aflexi.net/mini_publisher.php"
        );
        assert_eq!(
            publisher_portal_base("https://CDN.example.com:8443/").unwrap(),
            "https://cdn.example.com:8443/mini_publisher.php"
        );
        assert_eq!(
            publisher_portal_base("ftp://x/").unwrap_err().kind(),
            "invalid_input"
        );
    }
}
