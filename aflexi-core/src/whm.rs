//! A small client of cPanel's WHM API 1, for one job: make sure a cPanel hosting package has
//! Aflexi's cPanel plugin (the feature `cdn`) on in its feature list.
//!
//! WHM API 1 is JSON over HTTPS: `GET|POST https://HOST:2087/json-api/<function>?api.version=1`
//! with `Authorization: whm USER:TOKEN` (an API token) or HTTP Basic (a password). Every
//! answer is `{"data": ..., "metadata": {"result": 1|0, "reason", "command", "version"}}`;
//! `result: 0` is a refusal whose `reason` says why. The shapes used here, and what the
//! stand-in in `tests/whm-sandbox` assumes, are listed in that crate's README.
//!
//! [`WhmClient::ensure_feature`] reads before it writes, so a rerun makes no write:
//!
//! 1. `listpkgs`: the package (exact name) and its `FEATURELIST` (empty means `default`),
//!    and which other packages share that list;
//! 2. `get_featurelist_data`: whether `cdn` is installed, on (`value`), or switched off for
//!    everyone by the server's `disabled` list (`is_disabled`);
//! 3. when it is off and the list belongs to this package alone: `update_featurelist`
//!    `cdn=1` (only that key is sent, so every other feature keeps its value);
//! 4. when the list is `default` or shared with other packages: a list of the package's own,
//!    `<package>_cdn`, with every feature the current list has on plus `cdn`
//!    (`update_featurelist`, which creates it), attached with `editpkg` sending the package's
//!    current settings back unchanged (editpkg resets any setting it is not given). Turning
//!    `cdn` on in `default` would hand the plugin to every package on the server.
//!
//! Errors reuse [`crate::Error`] for their kind; [`describe`] words them for WHM (the error's
//! own `Display` names Aflexi). No message, log entry or `Debug` output carries the token.

use std::ops::RangeInclusive;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::{self, Pool};
use crate::error::TransportKind;
use crate::{defaults, Error, Result, Secret};

/// The feature of Aflexi's cPanel plugin.
pub const DEFAULT_FEATURE: &str = "cdn";
/// WHM's port for HTTPS (a server record with Secure ticked and no port).
pub const HTTPS_PORT: u16 = 2087;
/// WHM's port for plain HTTP.
pub const HTTP_PORT: u16 = 2086;
/// The suffix of the feature list made for a package whose list is shared.
pub const OWN_LIST_SUFFIX: &str = "_cdn";
/// The largest answer read from WHM (a package list of a big server is well below it).
const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// How the client proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A WHM API token (WHMCS: the server record's access hash): `Authorization: whm USER:TOKEN`.
    Token(Secret),
    /// The account's password: HTTP Basic.
    Password(Secret),
}

impl Credential {
    fn secret(&self) -> &Secret {
        match self {
            Credential::Token(s) | Credential::Password(s) => s,
        }
    }
}

/// Settings of a [`WhmClient`].
#[derive(Debug, Clone)]
pub struct WhmConfig {
    /// `https://host:2087` (no path).
    pub base_url: String,
    /// The WHM user, usually `root` or a reseller.
    pub username: String,
    /// Token or password.
    pub credential: Credential,
    /// Verify the TLS certificate. Default true; off only when the server record says so.
    pub verify_tls: bool,
    /// The feature to turn on. Default `cdn`.
    pub feature: String,
    /// Default [`defaults::CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// One request. Default [`defaults::REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
    /// One whole `ensure_feature`. Default [`defaults::OPERATION_TIMEOUT`].
    pub operation_timeout: Duration,
}

impl WhmConfig {
    /// Validated settings with the defaults above.
    pub fn new(
        base_url: impl Into<String>,
        username: impl Into<String>,
        credential: Credential,
    ) -> Result<Self> {
        let base_url = validate_base_url(&base_url.into())?;
        let username = username.into().trim().to_string();
        if username.is_empty() || username.len() > 64 || username.contains([':', '\r', '\n']) {
            return Err(Error::invalid(
                "WHM username",
                "enter the WHM user (e.g. root) as the server record's username: 1 to 64 characters, no colon",
            ));
        }
        let secret = credential.secret().expose();
        if secret.trim().is_empty() || secret.len() > 4096 || secret.chars().any(char::is_control) {
            return Err(Error::invalid(
                "WHM API token",
                "the server record has no usable API token (access hash) or password",
            ));
        }
        Ok(WhmConfig {
            base_url,
            username,
            credential,
            verify_tls: true,
            feature: DEFAULT_FEATURE.to_string(),
            connect_timeout: defaults::CONNECT_TIMEOUT,
            request_timeout: defaults::REQUEST_TIMEOUT,
            operation_timeout: defaults::OPERATION_TIMEOUT,
        })
    }

    /// Checks the feature name and the limits.
    pub fn validate(&self) -> Result<()> {
        let f = &self.feature;
        if f.is_empty()
            || f.len() > 128
            || !f
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(Error::invalid(
                "feature",
                "a cPanel feature name is letters, digits, '_', '-' or '.'",
            ));
        }
        let ok = |d: Duration, range: RangeInclusive<f64>| range.contains(&d.as_secs_f64());
        if !ok(self.connect_timeout, defaults::CONNECT_TIMEOUT_SECS)
            || !ok(self.request_timeout, defaults::REQUEST_TIMEOUT_SECS)
            || !ok(self.operation_timeout, defaults::OPERATION_TIMEOUT_SECS)
        {
            let (c, r, o) = (
                defaults::CONNECT_TIMEOUT_SECS,
                defaults::REQUEST_TIMEOUT_SECS,
                defaults::OPERATION_TIMEOUT_SECS,
            );
            return Err(Error::invalid(
                "timeout",
                format!(
                    "timeouts must be between {} s and {} s (connect), {} s and {} s (request), {} s and {} s (operation)",
                    c.start(), c.end(), r.start(), r.end(), o.start(), o.end()
                ),
            ));
        }
        Ok(())
    }
}

/// The WHM base URL for a WHMCS server record: `host` is its hostname (else IP address),
/// possibly with a port or a scheme; `port` its port field (0 = none); `secure` its SSL box.
///
/// ```
/// use aflexi_core::whm::base_url_from_server;
/// assert_eq!(base_url_from_server("whm.example.net", 0, true).unwrap(), "https://whm.example.net:2087");
/// assert_eq!(base_url_from_server("10.0.0.5", 0, false).unwrap(), "http://10.0.0.5:2086");
/// assert_eq!(base_url_from_server("10.0.0.5", 8443, true).unwrap(), "https://10.0.0.5:8443");
/// assert_eq!(base_url_from_server("127.0.0.1:4000", 0, false).unwrap(), "http://127.0.0.1:4000");
/// assert!(base_url_from_server(" ", 0, true).is_err());
/// ```
pub fn base_url_from_server(host: &str, port: u16, secure: bool) -> Result<String> {
    let host = host.trim().trim_end_matches('/');
    if host.is_empty() {
        return Err(Error::invalid(
            "WHM hostname",
            "the cPanel server record has no hostname or IP address",
        ));
    }
    if host.contains("://") {
        return validate_base_url(host);
    }
    let scheme = if secure { "https" } else { "http" };
    let has_port = host.rsplit_once(':').is_some_and(|(h, p)| {
        !h.is_empty() && !h.ends_with(':') && p.parse::<u16>().is_ok() && !host.starts_with('[')
    }) || host.contains("]:");
    let url = if has_port {
        format!("{scheme}://{host}")
    } else {
        let port = match port {
            0 if secure => HTTPS_PORT,
            0 => HTTP_PORT,
            p => p,
        };
        format!("{scheme}://{host}:{port}")
    };
    validate_base_url(&url)
}

fn validate_base_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let bad = |reason: &str| Err(Error::invalid("WHM URL", reason.to_string()));
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return bad("the WHM address must start with https:// or http://");
    }
    if url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("the WHM address is longer than 2048 characters or has spaces");
    }
    match reqwest::Url::parse(url) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) && u.username().is_empty() => {
            Ok(url.to_string())
        }
        Ok(_) => bad("the WHM address has no host, or carries credentials"),
        Err(_) => bad("the WHM address is not a valid URL"),
    }
}

/// What [`WhmClient::ensure_feature`] found or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The feature was already on: nothing written.
    AlreadyOn,
    /// The package's own feature list now has the feature on.
    Enabled,
    /// The package had a shared list: a list of its own was made and attached.
    Created,
}

/// The result of [`WhmClient::ensure_feature`], as the addon's report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureReport {
    /// The cPanel package.
    pub package: String,
    /// The feature.
    pub feature: String,
    /// What happened.
    pub status: Status,
    /// The package's feature list now.
    pub featurelist: String,
    /// The list it had before, when a list of its own was made.
    pub previous_featurelist: Option<String>,
    /// Write calls made (0 on a rerun).
    pub writes: u32,
}

/// One WHM API call, as the module log shows it: the function and its outcome, never the
/// credentials (they travel in a header) nor the parameters' values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhmCall {
    /// The WHM API 1 function.
    pub function: String,
    /// The parameter names sent.
    pub params: Vec<String>,
    /// `ok`, or the error as [`describe`] words it.
    pub outcome: String,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
}

/// A client of one WHM server.
#[derive(Debug)]
pub struct WhmClient {
    config: WhmConfig,
    log: Mutex<Vec<WhmCall>>,
}

/// WHM's HTTP clients of this process, one per (connect timeout, request timeout, verify
/// TLS), so a module call does not set up TLS and the trust store again. They keep no idle
/// connection: between two calls nothing drives the runtime, so a connection WHM closed in
/// the meantime would be handed out as open and the call would fail (the Aflexi client
/// retries its reads for that; WHM's writes cannot be repeated blindly).
static HTTP_CLIENTS: Pool<(u128, u128, bool)> = Pool::new();

impl WhmClient {
    /// A client with validated settings; nothing is connected before the first call.
    pub fn new(config: WhmConfig) -> Result<Self> {
        config.validate()?;
        Ok(WhmClient {
            config,
            log: Mutex::new(Vec::new()),
        })
    }

    /// The settings.
    pub fn config(&self) -> &WhmConfig {
        &self.config
    }

    /// Takes the calls made so far, oldest first.
    pub fn take_log(&self) -> Vec<WhmCall> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// [`WhmClient::ensure_feature_async`] for callers that are not async, bounded by the
    /// operation timeout (a wait inside Rust is not interrupted by PHP).
    pub fn ensure_feature(&self, package: &str) -> Result<FeatureReport> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::invalid(
                "caller",
                "ensure_feature blocks; from async code use ensure_feature_async",
            ));
        }
        // The runtime the Aflexi client blocks on: one per process, whatever the caller.
        client::block_on(
            self.config.operation_timeout,
            self.ensure_feature_async(package),
        )
    }

    /// Makes sure the package's feature list has the feature on (see the module docs).
    pub async fn ensure_feature_async(&self, package: &str) -> Result<FeatureReport> {
        let package = package.trim();
        if package.is_empty() || package.len() > 255 || package.chars().any(char::is_control) {
            return Err(Error::invalid(
                "cPanel package",
                "the product has no cPanel package name (module setting \"Package Name\")",
            ));
        }
        let http = self.http()?;
        let feature = self.config.feature.clone();
        let packages = self.call(&http, "listpkgs", &[]).await?;
        let list = packages
            .get("pkg")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                Error::Protocol("listpkgs: the answer has no data.pkg list".to_string())
            })?;
        let settings = list
            .iter()
            .filter_map(Value::as_object)
            .find(|p| p.get("name").and_then(Value::as_str) == Some(package))
            .cloned()
            .ok_or_else(|| Error::NotFound(format!("cPanel package \"{package}\"")))?;
        let current = match settings.get("FEATURELIST").and_then(Value::as_str) {
            Some(name) if !name.trim().is_empty() => name.to_string(),
            _ => "default".to_string(),
        };
        let data = self
            .call(
                &http,
                "get_featurelist_data",
                &[("featurelist", current.clone())],
            )
            .await?;
        let features = parse_features(&data)?;
        let Some(state) = features.iter().find(|f| f.id == feature) else {
            return Err(Error::Fault {
                code: 0,
                message: format!(
                    "the feature \"{feature}\" is not installed on this WHM server: install Aflexi's cPanel plugin there"
                ),
            });
        };
        if state.disabled {
            return Err(Error::Fault {
                code: 0,
                message: format!(
                    "the feature \"{feature}\" is in the server's \"disabled\" feature list, which switches it off for every package: remove it there (WHM > Feature Manager > disabled)"
                ),
            });
        }
        let mut report = FeatureReport {
            package: package.to_string(),
            feature: feature.clone(),
            status: Status::AlreadyOn,
            featurelist: current.clone(),
            previous_featurelist: None,
            writes: 0,
        };
        if state.on {
            return Ok(report);
        }
        let shared = current == "default"
            || list.iter().filter_map(Value::as_object).any(|p| {
                p.get("name").and_then(Value::as_str) != Some(package)
                    && p.get("FEATURELIST").and_then(Value::as_str) == Some(current.as_str())
            });
        if !shared {
            self.set_features(&http, &current, vec![feature.clone()])
                .await?;
            report.status = Status::Enabled;
            report.writes = 1;
            return Ok(report);
        }
        let own = own_list_name(package);
        let mut on: Vec<String> = features
            .iter()
            .filter(|f| f.on)
            .map(|f| f.id.clone())
            .collect();
        on.push(feature.clone());
        self.set_features(&http, &own, on).await?;
        let mut params = vec![("name".to_string(), package.to_string())];
        params.extend(editpkg_params(&settings));
        params.push(("featurelist".to_string(), own.clone()));
        let refs: Vec<(&str, String)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        self.call(&http, "editpkg", &refs).await?;
        report.status = Status::Created;
        report.previous_featurelist = Some(current);
        report.featurelist = own;
        report.writes = 2;
        Ok(report)
    }

    /// `update_featurelist` with `names` on (creates the list when missing); an answer that
    /// lists the feature as invalid is an error.
    async fn set_features(
        &self,
        http: &reqwest::Client,
        list: &str,
        names: Vec<String>,
    ) -> Result<()> {
        let mut params = vec![("featurelist", list.to_string())];
        params.extend(names.iter().map(|n| (n.as_str(), "1".to_string())));
        let data = self.call(http, "update_featurelist", &params).await?;
        let invalid = data
            .get("invalid_features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if invalid
            .iter()
            .any(|v| v.as_str() == Some(self.config.feature.as_str()))
        {
            return Err(Error::Fault {
                code: 0,
                message: format!(
                    "update_featurelist: WHM does not know the feature \"{}\": install Aflexi's cPanel plugin",
                    self.config.feature
                ),
            });
        }
        Ok(())
    }

    fn http(&self) -> Result<reqwest::Client> {
        let c = &self.config;
        let key = (
            c.connect_timeout.as_millis(),
            c.request_timeout.as_millis(),
            c.verify_tls,
        );
        let build = || {
            reqwest::Client::builder()
                .connect_timeout(c.connect_timeout)
                .timeout(c.request_timeout)
                // Never follow a redirect: every request carries the token or password.
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(0)
                .tls_danger_accept_invalid_certs(!c.verify_tls)
                .user_agent(concat!("aflexi-whmcs/", env!("CARGO_PKG_VERSION")))
                .build()
                .map(|http| (http, None))
                .map_err(|e| transport(TransportKind::Connect, format!("no HTTP client: {e}")))
        };
        HTTP_CLIENTS.get_or_build(key, build).map(|(http, _)| http)
    }

    /// One call: reads as GET with the parameters in the query, writes as a POST form (a
    /// copied feature list has a hundred parameters). Returns `data`.
    async fn call(
        &self,
        http: &reqwest::Client,
        function: &str,
        params: &[(&str, String)],
    ) -> Result<Value> {
        let started = Instant::now();
        let result = self.send(http, function, params).await;
        let record = WhmCall {
            function: function.to_string(),
            params: params.iter().map(|(k, _)| k.to_string()).collect(),
            outcome: match &result {
                Ok(_) => "ok".to_string(),
                Err(e) => describe(e),
            },
            elapsed_ms: started.elapsed().as_millis() as u64,
        };
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record);
        result
    }

    async fn send(
        &self,
        http: &reqwest::Client,
        function: &str,
        params: &[(&str, String)],
    ) -> Result<Value> {
        let write = !matches!(function, "listpkgs" | "get_featurelist_data");
        let mut url = reqwest::Url::parse(&format!("{}/json-api/{function}", self.config.base_url))
            .map_err(|_| Error::invalid("WHM URL", "not a valid URL"))?;
        url.query_pairs_mut().append_pair("api.version", "1");
        let request = if write {
            let mut form = reqwest::Url::parse("http://form/").expect("a constant URL parses");
            form.query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
            http.post(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form.query().unwrap_or("").to_string())
        } else {
            url.query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
            http.get(url)
        };
        let auth = match &self.config.credential {
            Credential::Token(t) => format!("whm {}:{}", self.config.username, t.expose()),
            Credential::Password(p) => {
                use base64::Engine as _;
                let pair = format!("{}:{}", self.config.username, p.expose());
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
        };
        let response = request
            .header("Authorization", auth)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| self.transport_error(&e, function))?;
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            return Err(Error::Authentication(format!(
                "WHM refused the API token or password of user \"{}\" (HTTP {status}); check the cPanel server record's username and access hash",
                self.config.username
            )));
        }
        if response.status().is_redirection() {
            let target = self.scrub(client::redirect_target(&response));
            return Err(transport(
                TransportKind::Redirect(status),
                format!("{function}: WHM redirects to {target}; configure {target} as the server's address"),
            ));
        }
        if status != 200 {
            return Err(transport(
                TransportKind::Status(status),
                format!("{function}: WHM answered HTTP {status}"),
            ));
        }
        let body = client::read_limited(response, MAX_ANSWER, function, &|m| self.scrub(m)).await?;
        let value: Value = serde_json::from_slice(&body).map_err(|_| {
            Error::Protocol(format!("{function}: the answer is not JSON (is this a WHM server, and the port 2087/2086?)"))
        })?;
        let metadata = value
            .get("metadata")
            .and_then(Value::as_object)
            .ok_or_else(|| {
                Error::Protocol(format!(
                    "{function}: the answer has no metadata (not WHM API 1?)"
                ))
            })?;
        if !truthy(metadata.get("result")) {
            let reason = metadata
                .get("reason")
                .and_then(Value::as_str)
                .unwrap_or("no reason given");
            return Err(Error::Fault {
                code: 0,
                message: self.scrub(format!("{function}: {reason}")),
            });
        }
        Ok(value.get("data").cloned().unwrap_or(Value::Null))
    }

    fn transport_error(&self, e: &reqwest::Error, function: &str) -> Error {
        client::transport_error(e, function, |m| self.scrub(m))
    }

    /// Removes the token or password from text the server or the network stack produced.
    fn scrub(&self, text: String) -> String {
        crate::secret::scrub(text, [self.config.credential.secret().expose()])
    }
}

fn transport(kind: TransportKind, message: String) -> Error {
    Error::Transport { kind, message }
}

/// An error in WHM's words, for the sync report and the module log.
pub fn describe(error: &Error) -> String {
    match error {
        Error::InvalidInput { .. } => error.to_string(),
        Error::Authentication(m) => format!("WHM authentication failed: {m}"),
        Error::Fault { message, .. } => format!("WHM: {message}"),
        Error::NotFound(what) => format!("{what} does not exist on the WHM server"),
        Error::Transport { kind, message } => format!("WHM API {kind}: {message}"),
        Error::Protocol(m) => format!("unexpected answer from WHM: {m}"),
    }
}

/// WHM writes booleans as 1, "1", 0 or "0".
fn truthy(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => s == "1",
        Some(Value::Bool(b)) => *b,
        _ => false,
    }
}

struct Feature {
    id: String,
    on: bool,
    disabled: bool,
}

fn parse_features(data: &Value) -> Result<Vec<Feature>> {
    let items = data
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Error::Protocol("get_featurelist_data: the answer has no data.features list".into())
        })?;
    Ok(items
        .iter()
        .filter_map(|f| {
            Some(Feature {
                id: f.get("id")?.as_str()?.to_string(),
                on: truthy(f.get("value")),
                disabled: truthy(f.get("is_disabled")),
            })
        })
        .collect())
}

/// `<package>_cdn`, with anything but letters, digits, `_` and `-` turned into `_`.
///
/// ```
/// assert_eq!(aflexi_core::whm::own_list_name("Gold Plan"), "Gold_Plan_cdn");
/// ```
pub fn own_list_name(package: &str) -> String {
    let base: String = package
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    format!("{base}{OWN_LIST_SUFFIX}")
}

/// The `editpkg` parameters that keep a package's current settings (a `listpkgs` entry):
/// editpkg resets to its default any setting it is not given.
fn editpkg_params(settings: &Map<String, Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, value) in settings {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => u8::from(*b).to_string(),
            _ => continue,
        };
        let yes_no = |t: &str| if matches!(t, "y" | "1") { "1" } else { "0" }.to_string();
        let (name, text) = match key.as_str() {
            "name" | "FEATURELIST" | "FRONTPAGE" => continue,
            "LANG" => ("language".to_string(), text),
            "DIGESTAUTH" | "HASSHELL" | "CGI" => (key.to_ascii_lowercase(), yes_no(&text)),
            "IP" => (
                "ip".to_string(),
                if matches!(text.as_str(), "y" | "1") {
                    "y"
                } else {
                    "n"
                }
                .to_string(),
            ),
            // Package extensions' own variables are passed as they are named.
            k if k.starts_with('_') || k.chars().any(|c| c.is_ascii_lowercase()) => {
                (k.to_string(), text)
            }
            k => (k.to_ascii_lowercase(), text),
        };
        out.push((name, text));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn editpkg_keeps_every_setting_in_editpkg_names() {
        let pkg = json!({"name": "gold", "FEATURELIST": "default", "QUOTA": 100, "BWLIMIT": "unlimited",
            "DIGESTAUTH": "n", "HASSHELL": "y", "IP": "n", "LANG": "en", "MAX_EMAIL_PER_HOUR": 100,
            "_PACKAGE_EXTENSIONS": "ext1", "ext1_color": "blue", "FRONTPAGE": 0});
        let params = editpkg_params(pkg.as_object().unwrap());
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("quota"), Some("100"));
        assert_eq!(get("bwlimit"), Some("unlimited"));
        assert_eq!(get("digestauth"), Some("0"));
        assert_eq!(get("hasshell"), Some("1"));
        assert_eq!(get("ip"), Some("n"));
        assert_eq!(get("language"), Some("en"));
        assert_eq!(get("max_email_per_hour"), Some("100"));
        assert_eq!(get("_PACKAGE_EXTENSIONS"), Some("ext1"));
        assert_eq!(get("ext1_color"), Some("blue"));
        assert_eq!(get("name"), None);
        assert_eq!(get("featurelist"), None);
        assert_eq!(get("frontpage"), None);
    }

    #[test]
    fn config_rejects_empty_token_and_bad_feature_without_echoing_the_token() {
        let e = WhmConfig::new(
            "https://h:2087",
            "root",
            Credential::Token(Secret::new(" ")),
        )
        .unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }));
        let mut c = WhmConfig::new(
            "https://h:2087",
            "root",
            Credential::Token(Secret::new("TOKEN-XYZ")),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("TOKEN-XYZ"));
        c.feature = "cdn;rm".into();
        assert!(WhmClient::new(c).is_err());
        assert!(WhmConfig::new("ftp://h", "root", Credential::Token("t".into())).is_err());
        assert!(WhmConfig::new("https://u:p@h", "root", Credential::Token("t".into())).is_err());
        assert!(WhmConfig::new("https://h", "ro:ot", Credential::Token("t".into())).is_err());
    }

    #[test]
    fn describe_speaks_of_whm_not_aflexi() {
        for e in [
            Error::NotFound("cPanel package \"x\"".into()),
            transport(TransportKind::Connect, "refused".into()),
            Error::Protocol("x".into()),
            Error::Fault {
                code: 0,
                message: "x".into(),
            },
        ] {
            let text = describe(&e);
            assert!(text.contains("WHM") && !text.contains("Aflexi"), "{text}");
        }
    }

    #[test]
    fn truthy_reads_whm_flags() {
        assert!(truthy(Some(&json!(1))) && truthy(Some(&json!("1"))));
        assert!(!truthy(Some(&json!(0))) && !truthy(Some(&json!("0"))) && !truthy(None));
    }
}
