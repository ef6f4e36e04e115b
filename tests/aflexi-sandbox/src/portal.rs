//! The portal's OAuth, as the single sign-on uses it (docs/AFLEXI-API.md#portal-oauth), under
//! `/mini_publisher.php`:
//!
//! | route | what it does |
//! |---|---|
//! | `POST /mini_publisher.php/oauth/register?format=json` | checks `auth_username`/`auth_secret` as an XML-RPC login, with `auth_su` as the `?su=` publisher (so it must be the operator's); answers `{consumer_key, consumer_secret, id, user_id, application_*}` |
//! | `POST /mini_publisher.php/oauth/request` | 2-legged HMAC-SHA1: known consumer, timestamp within [`MAX_SKEW_SECS`], nonce not seen before, signature right; answers `oauth_token=…&oauth_token_secret=…&oauth_callback_accepted=true&xoauth_token_ttl=…` |
//! | `GET /mini_publisher.php/?app=…&oauth_token=…&auth_username=…` | the landing page: a valid, unused, unexpired token whose publisher is `auth_username` shows who is logged in and that the session is locked to that publisher; anything else 403 |
//! | `GET /_sandbox/portal` | the consumers (no secrets), requests and logins, for tests |
//!
//! Refusals are HTTP 401 (bad credentials, signature, stale or replayed request) with a short
//! text body. Consumers, tokens and nonces are kept in memory only.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aflexi_core::oauth;
use rand::Rng;
use serde_json::{json, Value};

use crate::methods::authenticate;
use crate::Shared;

/// The path of the publisher portal script (as the core's `PUBLISHER_PORTAL_SCRIPT`).
pub const SCRIPT: &str = "/mini_publisher.php";

/// How far a request's timestamp may be from the sandbox's clock.
pub const MAX_SKEW_SECS: u64 = 300;

/// How long a token may be used to log in.
pub const TOKEN_TTL: Duration = Duration::from_secs(300);

struct Consumer {
    id: u64,
    secret: String,
    operator: i64,
    publisher: String,
    mode: String,
    kind: String,
}

struct Token {
    consumer_key: String,
    publisher: String,
    locked: bool,
    issued: Instant,
    used: bool,
}

/// The portal's memory.
#[derive(Default)]
pub struct Portal {
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Portal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Portal { .. }")
    }
}

#[derive(Default)]
struct Inner {
    consumers: HashMap<String, Consumer>,
    nonces: HashSet<(String, u64, String)>,
    tokens: HashMap<String, Token>,
    requests: u64,
    refused: Vec<String>,
    logins: Vec<Value>,
}

/// An answer: status, content type, body.
pub type PortalAnswer = (u16, &'static str, String);

fn refuse(inner: &mut Inner, why: &str) -> PortalAnswer {
    inner.refused.push(why.to_string());
    (401, "text/plain; charset=utf-8", format!("{why}\n"))
}

fn random(len: usize) -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Routes a request under [`SCRIPT`]; None when the path is not the portal's.
pub fn handle(
    shared: &Shared,
    method: &str,
    url: &str,
    authorization: Option<&str>,
    body: &[u8],
) -> Option<PortalAnswer> {
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("/");
    let path = path.split('?').next().unwrap_or("/");
    let sub = path.strip_prefix(SCRIPT)?;
    let body = String::from_utf8_lossy(body);
    Some(match (method, sub) {
        ("POST", "/oauth/register") => register(shared, &oauth::form_parameters(&body)),
        ("POST", "/oauth/request") => request(shared, url, authorization, &body),
        ("GET", "" | "/") => landing(shared, url),
        _ => (404, "text/plain", "not found\n".into()),
    })
}

fn register(shared: &Shared, form: &[(String, String)]) -> PortalAnswer {
    let login = get(form, "auth_username").unwrap_or("");
    let secret = get(form, "auth_secret").unwrap_or("");
    let su = get(form, "auth_su").unwrap_or("");
    let full_login = if su.is_empty() {
        login.to_string()
    } else {
        format!("{login}?su={su}")
    };
    let caller = authenticate(&shared.state(), &[json!(full_login), json!(secret)]);
    let portal = &shared.portal;
    let mut inner = portal.inner.lock().unwrap_or_else(|p| p.into_inner());
    let Ok(user_id) = caller else {
        return refuse(&mut inner, "register: credentials or auth_su refused");
    };
    let operator = if su.is_empty() {
        user_id
    } else {
        shared
            .state()
            .user(user_id)
            .and_then(|u| u.agent)
            .unwrap_or(0)
    };
    let key = random(24);
    let id = inner.consumers.len() as u64 + 1;
    let consumer = Consumer {
        id,
        secret: random(32),
        operator,
        publisher: su.to_string(),
        mode: get(form, "auth_su_mode").unwrap_or("").to_string(),
        kind: get(form, "oauth_application_type")
            .unwrap_or("")
            .to_string(),
    };
    let answer = json!({
        "consumer_key": key,
        "consumer_secret": consumer.secret,
        "id": id,
        "user_id": user_id,
        "application_title": get(form, "oauth_application_title").unwrap_or(""),
        "application_type": consumer.kind,
        "application_uri": get(form, "application_uri").unwrap_or(""),
    });
    inner.consumers.insert(key, consumer);
    (200, "application/json", answer.to_string())
}

fn request(shared: &Shared, url: &str, authorization: Option<&str>, body: &str) -> PortalAnswer {
    let mut inner = shared
        .portal
        .inner
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    inner.requests += 1;
    let Some(oauth_params) = authorization.and_then(oauth::parse_authorization) else {
        return refuse(&mut inner, "request: no OAuth Authorization header");
    };
    let key = get(&oauth_params, "oauth_consumer_key")
        .unwrap_or("")
        .to_string();
    let Some((secret, publisher, locked)) = inner
        .consumers
        .get(&key)
        .map(|c| (c.secret.clone(), c.publisher.clone(), c.mode == "locked"))
    else {
        return refuse(&mut inner, "request: unknown consumer");
    };
    if get(&oauth_params, "oauth_signature_method") != Some(oauth::SIGNATURE_METHOD) {
        return refuse(&mut inner, "request: signature method not HMAC-SHA1");
    }
    let timestamp: u64 = get(&oauth_params, "oauth_timestamp")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    if now_secs().abs_diff(timestamp) > MAX_SKEW_SECS {
        return refuse(&mut inner, "request: timestamp expired");
    }
    let mut params = oauth_params.clone();
    params.extend(oauth::form_parameters(body));
    let Ok(base) = oauth::base_string("POST", url, &params) else {
        return refuse(&mut inner, "request: bad URL");
    };
    let expected = oauth::hmac_sha1(&base, &secret, "");
    if get(&oauth_params, "oauth_signature") != Some(expected.as_str()) {
        return refuse(&mut inner, "request: bad signature");
    }
    let nonce = (
        key.clone(),
        timestamp,
        get(&oauth_params, "oauth_nonce").unwrap_or("").to_string(),
    );
    if nonce.2.is_empty() || !inner.nonces.insert(nonce) {
        return refuse(&mut inner, "request: nonce replayed");
    }
    let token = random(32);
    let token_secret = random(32);
    inner.tokens.insert(
        token.clone(),
        Token {
            consumer_key: key,
            publisher,
            locked,
            issued: Instant::now(),
            used: false,
        },
    );
    (
        200,
        "application/x-www-form-urlencoded",
        format!(
            "oauth_token={}&oauth_token_secret={}&oauth_callback_accepted=true&xoauth_token_ttl={}",
            oauth::encode(&token),
            oauth::encode(&token_secret),
            TOKEN_TTL.as_secs()
        ),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn landing(shared: &Shared, url: &str) -> PortalAnswer {
    let query = oauth::query_parameters(url).unwrap_or_default();
    let token = get(&query, "oauth_token").unwrap_or("");
    let username = get(&query, "auth_username").unwrap_or("");
    let app = get(&query, "app").unwrap_or("");
    let mut inner = shared
        .portal
        .inner
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let verdict = match inner.tokens.get_mut(token) {
        None => Err("unknown token"),
        Some(t) if t.used => Err("token already used"),
        Some(t) if t.issued.elapsed() > TOKEN_TTL => Err("token expired"),
        Some(t) if t.publisher != username => Err("token is not for this user"),
        Some(t) => {
            t.used = true;
            Ok((t.publisher.clone(), t.locked, t.consumer_key.clone()))
        }
    };
    let (publisher, locked, consumer_key) = match verdict {
        Ok(found) => found,
        Err(why) => {
            inner.refused.push(format!("landing: {why}"));
            let page = format!(
                "<!DOCTYPE html><html><head><title>Aflexi portal (sandbox)</title></head><body>\
                 <h1>Not signed in</h1><p id=\"refused\">{}</p></body></html>",
                escape(why)
            );
            return (403, "text/html; charset=utf-8", page);
        }
    };
    let consumer_id = inner.consumers.get(&consumer_key).map_or(0, |c| c.id);
    let operator = inner.consumers.get(&consumer_key).map_or(0, |c| c.operator);
    inner
        .logins
        .push(json!({"publisher": publisher, "locked": locked, "app": app}));
    let lock_text = if locked {
        format!(
            "This session is locked to publisher <b id=\"locked-to\">{}</b>",
            escape(&publisher)
        )
    } else {
        "This session is not locked".to_string()
    };
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Aflexi CDN portal (sandbox)</title>
<style>body{{font-family:sans-serif;background:#f4f6f9;margin:0}}header{{background:#0b6e4f;color:#fff;padding:14px 24px;font-size:20px}}
main{{margin:24px;background:#fff;border:1px solid #ddd;border-radius:4px;padding:18px 24px}}dt{{font-weight:bold;margin-top:8px}}</style></head>
<body><header>Aflexi CDN portal <small>(sandbox)</small></header>
<main><h1>Welcome</h1>
<p>Signed in as publisher <b id="publisher">{publisher}</b></p>
<p id="lock">{lock_text}</p>
<dl><dt>Operator</dt><dd id="operator">#{operator}</dd><dt>Application</dt><dd id="app">{app}</dd>
<dt>OAuth consumer</dt><dd>#{consumer_id} (delegate)</dd></dl></main></body></html>
"#,
        publisher = escape(&publisher),
        app = escape(app),
    );
    (200, "text/html; charset=utf-8", page)
}

/// What the tests look at: consumers (no secrets), request count, refusals, logins.
pub fn snapshot(shared: &Shared) -> Value {
    let inner = shared
        .portal
        .inner
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let consumers: Vec<Value> = inner
        .consumers
        .values()
        .map(|c| {
            json!({"id": c.id, "operator": c.operator, "publisher": c.publisher,
                   "mode": c.mode, "type": c.kind})
        })
        .collect();
    json!({
        "consumers": consumers,
        "requests": inner.requests,
        "refused": inner.refused,
        "logins": inner.logins,
    })
}
