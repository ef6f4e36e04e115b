//! `Aflexi\Whm`: the core's WHM API 1 client ([`aflexi_core::whm`]), for the addon's
//! "cPanel CDN feature" step.
//!
//! The constructor takes a WHMCS cPanel server record (its password and access hash already
//! decrypted) and throws `Aflexi\InvalidInputException` when it cannot be used. `ensureFeature`
//! never throws for what WHM answers: a failure is a result (`status` `failed`, `error` in
//! WHM's words), because it must land in the sync report without stopping the Aflexi sync.

use aflexi_core::whm::{self, base_url_from_server, Credential, WhmClient, WhmConfig};
use aflexi_core::Secret;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;
use serde_json::{json, Value};

use crate::convert::{
    flag, members, seconds, text, whole_number, ArrayArg, Key, PhpArray, StringArg,
};
use crate::exception::Failure;

/// The keys of `new Aflexi\Whm([...])`.
const SERVER_KEYS: &str = "hostname, ipaddress, port, secure, username, accesshash, password, \
                           feature, verify_tls, connect_timeout, timeout, operation_timeout";

/// A client of one WHM server.
#[php_class]
#[php(name = "Aflexi\\Whm")]
pub struct Whm {
    inner: WhmClient,
}

#[derive(Default)]
struct Server {
    hostname: String,
    ipaddress: String,
    port: i64,
    secure: bool,
    username: String,
    accesshash: String,
    password: String,
    feature: Option<String>,
    verify_tls: Option<bool>,
    timeouts: [Option<std::time::Duration>; 3],
}

/// WHMCS stores `secure` as `on` or `''`; PHP code may pass a bool.
fn secure_flag(what: &str, zval: &ext_php_rs::types::Zval) -> Result<bool, Failure> {
    if let Some(s) = zval.dereference().zend_str() {
        let s = String::from_utf8_lossy(s.as_bytes())
            .trim()
            .to_ascii_lowercase();
        return Ok(matches!(s.as_str(), "on" | "1" | "yes" | "true"));
    }
    flag(what, zval)
}

fn read_server(table: &ZendHashTable) -> Result<Server, Failure> {
    let mut s = Server::default();
    for member in members("$server", table) {
        let (key, value) = member?;
        let Key::Name(name) = key else {
            return Err(Failure::input(
                "$server",
                format!("only named keys: {SERVER_KEYS}"),
            ));
        };
        let what = format!("$server['{name}']");
        match name.as_str() {
            "hostname" => s.hostname = text(&what, value)?,
            "ipaddress" => s.ipaddress = text(&what, value)?,
            "port" => s.port = whole_number(&what, value)?,
            "secure" => s.secure = secure_flag(&what, value)?,
            "username" => s.username = text(&what, value)?,
            "accesshash" => s.accesshash = text(&what, value)?,
            "password" => s.password = text(&what, value)?,
            "feature" => s.feature = Some(text(&what, value)?),
            "verify_tls" => s.verify_tls = Some(flag(&what, value)?),
            "connect_timeout" => s.timeouts[0] = Some(seconds(&what, value)?),
            "timeout" => s.timeouts[1] = Some(seconds(&what, value)?),
            "operation_timeout" => s.timeouts[2] = Some(seconds(&what, value)?),
            // Other columns of a tblservers row (id, name, type, ...) are not needed.
            _ => {}
        }
    }
    Ok(s)
}

#[php_impl]
impl Whm {
    /// A client for a WHMCS cPanel server record: `hostname` (else `ipaddress`), `port`
    /// (0: 2087 with `secure`, else 2086), `secure` (`on`/''), `username`, `accesshash` (the
    /// WHM API token; old multi-line access hashes have their line breaks removed) or else
    /// `password`; options `feature` (default `cdn`), `verify_tls` (default true),
    /// `connect_timeout`, `timeout`, `operation_timeout` (seconds). Nothing is sent yet.
    ///
    /// @throws \Aflexi\InvalidInputException when the record cannot be used
    pub fn __construct(server: ArrayArg) -> Result<Self, Failure> {
        let table = server
            .table("$server")?
            .ok_or_else(|| Failure::input("$server", "the cPanel server record is empty"))?;
        let s = read_server(table)?;
        let host = if s.hostname.trim().is_empty() {
            &s.ipaddress
        } else {
            &s.hostname
        };
        let port = u16::try_from(s.port)
            .map_err(|_| Failure::input("$server['port']", "must be from 0 to 65535"))?;
        let base = base_url_from_server(host, port, s.secure)?;
        let token: String = s.accesshash.split_whitespace().collect();
        let credential = if !token.is_empty() {
            Credential::Token(Secret::new(token))
        } else {
            Credential::Password(Secret::new(s.password))
        };
        let mut config = WhmConfig::new(base, s.username, credential)?;
        if let Some(feature) = s.feature {
            config.feature = feature.trim().to_string();
        }
        if let Some(verify) = s.verify_tls {
            config.verify_tls = verify;
        }
        let [connect, request, operation] = s.timeouts;
        config.connect_timeout = connect.unwrap_or(config.connect_timeout);
        config.request_timeout = request.unwrap_or(config.request_timeout);
        config.operation_timeout = operation.unwrap_or(config.operation_timeout);
        Ok(Whm {
            inner: WhmClient::new(config)?,
        })
    }

    /// Makes sure the cPanel package has the feature on. Returns `package`, `feature`,
    /// `status` (`already_on`, `enabled`, `created` or `failed`), `featurelist`,
    /// `previous_featurelist`, `writes`, `error` (null unless failed) and `calls` (the WHM
    /// functions called with their outcome, for the module log; never the token).
    pub fn ensure_feature(&self, package: StringArg) -> Result<PhpArray, Failure> {
        let package = text("$package", package.0)?;
        let result = self.inner.ensure_feature(&package);
        let calls = serde_json::to_value(self.inner.take_log()).unwrap_or(Value::Null);
        let mut out = match result {
            Ok(report) => {
                let mut v = serde_json::to_value(&report).unwrap_or(Value::Null);
                v["error"] = Value::Null;
                v
            }
            Err(e) => json!({
                "package": package.trim(),
                "feature": self.inner.config().feature,
                "status": "failed",
                "featurelist": null,
                "previous_featurelist": null,
                "writes": 0,
                "error": whm::describe(&e),
            }),
        };
        out["calls"] = calls;
        Ok(PhpArray(out))
    }
}
