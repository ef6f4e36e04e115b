//! A small stand-in of cPanel's WHM API 1: hosting packages and feature lists, over real HTTP
//! on loopback, with the response shapes of the real API (see `README.md` for the sources and
//! every assumption). Enough for the addon's "cPanel CDN feature" step, nothing more.
//!
//! ```
//! use whm_sandbox::{Config, WhmSandbox};
//! let whm = WhmSandbox::start(Config::default())?;
//! whm.seed(&serde_json::json!({"packages": {"gold": {"FEATURELIST": "default"}}}))?;
//! assert_eq!(whm.state()["packages"]["gold"]["FEATURELIST"], "default");
//! # Ok::<(), String>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use tokio::net::TcpListener;

/// The features a fresh stand-in knows (a few of cPanel's, and Aflexi's `cdn`).
pub const KNOWN_FEATURES: [&str; 8] = [
    "autossl",
    "backup",
    "cdn",
    "cron",
    "filemanager",
    "ftpaccts",
    "sslmanager",
    "webmail",
];

/// The functions that change something (counted as writes).
pub const WRITES: [&str; 3] = ["update_featurelist", "create_featurelist", "editpkg"];

/// How a stand-in starts.
#[derive(Clone, Debug)]
pub struct Config {
    /// The WHM user (default `root`).
    pub user: String,
    /// Its API token (default `WHM-TOKEN-never-print`).
    pub token: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user: "root".into(),
            token: "WHM-TOKEN-never-print".into(),
        }
    }
}

/// The server's data: packages, feature lists, the `disabled` list, and the call log.
#[derive(Debug)]
pub struct State {
    user: String,
    token: String,
    known: BTreeSet<String>,
    /// Feature list name -> the features it has on. `default` always exists.
    lists: BTreeMap<String, BTreeSet<String>>,
    /// The special `disabled` list: features switched off for every package.
    disabled: BTreeSet<String>,
    /// Package name -> its settings, keyed as `getpkginfo` shows them.
    packages: BTreeMap<String, Map<String, Value>>,
    calls: Vec<Value>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A package's settings when `editpkg` is not given them (WHM API 1 `editpkg` defaults).
fn default_settings() -> Map<String, Value> {
    let v = json!({
        "BWLIMIT": "unlimited", "CGI": 1, "CPMOD": "jupiter", "DIGESTAUTH": "n",
        "FEATURELIST": "default", "HASSHELL": 0, "IP": 0, "LANG": "en", "MAXADDON": 0,
        "MAXFTP": "unlimited", "MAXLST": "unlimited", "MAXPARK": 0, "MAXPOP": "unlimited",
        "MAXSQL": "unlimited", "MAXSUB": "unlimited", "MAX_DEFER_FAIL_PERCENTAGE": "unlimited",
        "MAX_EMAILACCT_QUOTA": "unlimited", "MAX_EMAIL_PER_HOUR": "unlimited",
        "MAX_TEAM_USERS": 7, "QUOTA": "unlimited", "_PACKAGE_EXTENSIONS": ""
    });
    v.as_object().cloned().unwrap_or_default()
}

fn envelope(command: &str, data: Option<Value>, error: Option<String>) -> Value {
    let (result, reason) = match &error {
        Some(reason) => (0, reason.clone()),
        None => (1, "OK".to_string()),
    };
    let mut out =
        json!({"metadata": {"command": command, "reason": reason, "result": result, "version": 1}});
    if let Some(data) = data {
        out["data"] = data;
    }
    out
}

impl State {
    fn new(config: &Config) -> State {
        let known: BTreeSet<String> = KNOWN_FEATURES.iter().map(|s| s.to_string()).collect();
        let mut lists = BTreeMap::new();
        // A fresh server's `default` list has every feature on except the plugin's.
        lists.insert(
            "default".to_string(),
            known.iter().filter(|f| *f != "cdn").cloned().collect(),
        );
        State {
            user: config.user.clone(),
            token: config.token.clone(),
            known,
            lists,
            disabled: BTreeSet::new(),
            packages: BTreeMap::new(),
            calls: Vec::new(),
        }
    }

    /// The state as `GET /_whm/state` shows it (the token left out).
    pub fn to_json(&self) -> Value {
        json!({
            "features": self.known,
            "featurelists": self.lists,
            "disabled": self.disabled,
            "packages": self.packages,
        })
    }

    /// Applies a seed: `{"features": [...], "featurelists": {name: [on...]}, "disabled": [...],
    /// "packages": {name: {SETTING: value}}}`; every member is optional, packages get the
    /// `editpkg` defaults for what they omit.
    pub fn seed(&mut self, seed: &Value) -> Result<(), String> {
        let names = |v: &Value| -> Result<BTreeSet<String>, String> {
            v.as_array()
                .ok_or("a list of feature names is expected")?
                .iter()
                .map(|f| {
                    f.as_str()
                        .map(str::to_string)
                        .ok_or("feature names are strings".to_string())
                })
                .collect()
        };
        if let Some(f) = seed.get("features") {
            self.known = names(f)?;
        }
        if let Some(lists) = seed.get("featurelists") {
            for (name, on) in lists.as_object().ok_or("featurelists must be an object")? {
                self.lists.insert(name.clone(), names(on)?);
            }
        }
        if let Some(d) = seed.get("disabled") {
            self.disabled = names(d)?;
        }
        if let Some(packages) = seed.get("packages") {
            for (name, settings) in packages.as_object().ok_or("packages must be an object")? {
                let mut full = default_settings();
                // PHP's json_encode writes an empty array for "no settings".
                let empty = Map::new();
                let given = match settings {
                    Value::Array(a) if a.is_empty() => &empty,
                    other => other
                        .as_object()
                        .ok_or("package settings must be an object")?,
                };
                for (k, v) in given {
                    full.insert(k.clone(), v.clone());
                }
                self.packages.insert(name.clone(), full);
            }
        }
        Ok(())
    }

    fn authorized(&self, header: Option<&str>) -> bool {
        header == Some(format!("whm {}:{}", self.user, self.token).as_str())
    }

    /// Runs one WHM API 1 function; the answer is always HTTP 200 with the envelope.
    pub fn call(
        &mut self,
        function: &str,
        params: &BTreeMap<String, String>,
        method: &str,
    ) -> Value {
        self.calls
            .push(json!({"function": function, "method": method, "params": params}));
        let arg = |k: &str| {
            params
                .get(k)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        match function {
            "listpkgs" => {
                let pkgs: Vec<Value> = self
                    .packages
                    .iter()
                    .map(|(name, s)| {
                        let mut p = s.clone();
                        p.insert("name".into(), json!(name));
                        Value::Object(p)
                    })
                    .collect();
                envelope(function, Some(json!({ "pkg": pkgs })), None)
            }
            "getpkginfo" => match arg("pkg").and_then(|p| self.packages.get(&p).cloned()) {
                Some(s) => envelope(function, Some(json!({ "pkg": s })), None),
                None => envelope(
                    function,
                    None,
                    Some(format!(
                        "The package “{}” does not exist.",
                        arg("pkg").unwrap_or_default()
                    )),
                ),
            },
            "get_featurelist_data" => self.featurelist_data(arg("featurelist")),
            "create_featurelist" | "update_featurelist" => {
                let Some(name) = arg("featurelist") else {
                    return envelope(
                        function,
                        None,
                        Some("No featurelist name specified.".into()),
                    );
                };
                let create = function == "create_featurelist";
                let exists = name == "disabled" || self.lists.contains_key(&name);
                if create && exists && arg("overwrite").as_deref() != Some("1") {
                    return envelope(
                        function,
                        None,
                        Some(format!(
                            "Featurelist by that name already exists: \"{name}\""
                        )),
                    );
                }
                let mut updated = Map::new();
                let mut invalid = Vec::new();
                let mut on = if create {
                    BTreeSet::new()
                } else {
                    self.lists.get(&name).cloned().unwrap_or_default()
                };
                for (k, v) in params {
                    if matches!(k.as_str(), "featurelist" | "overwrite" | "api.version") {
                        continue;
                    }
                    if !self.known.contains(k) {
                        invalid.push(json!(k));
                        continue;
                    }
                    let wanted = v == "1";
                    if name == "disabled" {
                        // In the `disabled` list, 1 means "not disabled".
                        if wanted {
                            self.disabled.remove(k);
                        } else {
                            self.disabled.insert(k.clone());
                        }
                    } else if wanted {
                        on.insert(k.clone());
                    } else {
                        on.remove(k);
                    }
                    updated.insert(k.clone(), json!(if wanted { "1" } else { "0" }));
                }
                if name != "disabled" {
                    self.lists.insert(name.clone(), on);
                }
                if create {
                    envelope(function, Some(json!({ "featurelist": name })), None)
                } else {
                    envelope(
                        function,
                        Some(json!({"featurelist": name, "updated_features": updated,
                        "invalid_features": invalid})),
                        None,
                    )
                }
            }
            "editpkg" => {
                let Some(name) = arg("name") else {
                    return envelope(function, None, Some("No package name specified.".into()));
                };
                let mut s = default_settings();
                for (k, v) in params {
                    let key = match k.as_str() {
                        "name" | "api.version" => continue,
                        "language" => "LANG".to_string(),
                        k if k.starts_with('_')
                            || !k.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
                        {
                            k.to_string()
                        }
                        k => k.to_ascii_uppercase(),
                    };
                    let value = match key.as_str() {
                        "DIGESTAUTH" => json!(if v == "1" || v == "y" { "y" } else { "n" }),
                        "IP" | "CGI" | "HASSHELL" => json!(i64::from(v == "1" || v == "y")),
                        _ => v
                            .parse::<i64>()
                            .map(Value::from)
                            .unwrap_or_else(|_| json!(v)),
                    };
                    s.insert(key, value);
                }
                let list = s
                    .get("FEATURELIST")
                    .and_then(Value::as_str)
                    .unwrap_or("default")
                    .to_string();
                if !self.lists.contains_key(&list) {
                    return envelope(
                        function,
                        None,
                        Some(format!("The feature list “{list}” does not exist.")),
                    );
                }
                self.packages.insert(name.clone(), s);
                envelope(
                    function,
                    Some(json!({"pkg": name, "changepackage": []})),
                    None,
                )
            }
            other => envelope(
                other,
                None,
                Some(format!(
                    "Unknown app (“{other}”) requested for this version (1) of the API."
                )),
            ),
        }
    }

    fn featurelist_data(&self, name: Option<String>) -> Value {
        let function = "get_featurelist_data";
        let Some(name) = name else {
            return envelope(
                function,
                None,
                Some("No featurelist name specified.".into()),
            );
        };
        let features: Vec<Value> = if name == "disabled" {
            // The `disabled` list reports the opposite: value 1 = not disabled.
            self.known
                .iter()
                .map(
                    |f| json!({"id": f, "name": f, "value": i64::from(!self.disabled.contains(f))}),
                )
                .collect()
        } else {
            let Some(on) = self.lists.get(&name) else {
                return envelope(
                    function,
                    None,
                    Some(format!("Specified featurelist does not exist: \"{name}\"")),
                );
            };
            self.known
                .iter()
                .map(|f| {
                    json!({"id": f, "name": f, "value": i64::from(on.contains(f)),
                "is_disabled": i64::from(self.disabled.contains(f))})
                })
                .collect()
        };
        envelope(
            function,
            Some(json!({"featurelist": name, "features": features})),
            None,
        )
    }
}

type Shared = Arc<Mutex<State>>;

fn respond(status: u16, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn pairs(text: &str, into: &mut BTreeMap<String, String>) {
    for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
        into.insert(k.into_owned(), v.into_owned());
    }
}

async fn handle(
    shared: Shared,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let method = req.method().clone();
    let auth = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = match Limited::new(req.into_body(), 16 * 1024 * 1024)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Ok(respond(
                413,
                "text/plain",
                "request body too large\n".into(),
            ))
        }
    };
    let json_answer = |v: Value| respond(200, "application/json", v.to_string());
    if let Some(function) = path.strip_prefix("/json-api/") {
        let mut state = lock(&shared);
        if !state.authorized(auth.as_deref()) {
            // WHM answers a missing or wrong token with 401 and a short text page.
            return Ok(respond(401, "text/plain", "Access denied\n".into()));
        }
        let mut params = BTreeMap::new();
        pairs(&query, &mut params);
        if method == Method::POST {
            pairs(&String::from_utf8_lossy(&body), &mut params);
        }
        if params.get("api.version").map(String::as_str) != Some("1") {
            // Without api.version=1 WHM speaks its legacy API 0, whose shapes differ.
            return Ok(json_answer(
                json!({"status": 0, "statusmsg": "this stand-in speaks WHM API 1 only: add api.version=1"}),
            ));
        }
        return Ok(json_answer(state.call(function, &params, method.as_str())));
    }
    let answer = match (method, path.as_str()) {
        (Method::GET, "/_whm/state") => lock(&shared).to_json(),
        (Method::GET, "/_whm/calls") => json!(lock(&shared).calls),
        (Method::POST, "/_whm/reset-calls") => {
            lock(&shared).calls.clear();
            json!({"reset": true})
        }
        (Method::POST, "/_whm/seed") => {
            let seed: Value = match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(e) => {
                    return Ok(respond(
                        400,
                        "application/json",
                        json!({"error": format!("not JSON: {e}")}).to_string(),
                    ))
                }
            };
            // One guard for both: the state's mutex is not re-entrant.
            let mut state = lock(&shared);
            match state.seed(&seed) {
                Ok(()) => state.to_json(),
                Err(e) => {
                    return Ok(respond(
                        400,
                        "application/json",
                        json!({"error": e}).to_string(),
                    ))
                }
            }
        }
        _ => return Ok(respond(404, "text/plain", "not found\n".into())),
    };
    Ok(json_answer(answer))
}

/// Serves `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Mutex<State>>,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => { tokio::time::sleep(Duration::from_millis(50)).await; continue; }
            },
            () = &mut shutdown => break,
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(shared.clone(), req));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A running stand-in on `127.0.0.1`, with its own runtime on its own thread; dropping it
/// stops the server.
pub struct WhmSandbox {
    shared: Arc<Mutex<State>>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl WhmSandbox {
    /// Binds `127.0.0.1:0` and starts serving.
    pub fn start(config: Config) -> Result<WhmSandbox, String> {
        let shared = Arc::new(Mutex::new(State::new(&config)));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        std_listener
            .set_nonblocking(true)
            .map_err(|e| e.to_string())?;
        let addr = std_listener.local_addr().map_err(|e| e.to_string())?;
        let listener = {
            let _guard = runtime.enter();
            TcpListener::from_std(std_listener).map_err(|e| e.to_string())?
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = shared.clone();
        let thread = std::thread::spawn(move || {
            runtime.block_on(serve(listener, server, async {
                let _ = rx.await;
            }));
            runtime.shutdown_timeout(Duration::from_millis(200));
        });
        Ok(WhmSandbox {
            shared,
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// See [`State::seed`].
    pub fn seed(&self, seed: &Value) -> Result<(), String> {
        lock(&self.shared).seed(seed)
    }

    /// See [`State::to_json`].
    pub fn state(&self) -> Value {
        lock(&self.shared).to_json()
    }

    /// The API calls received: `{"function", "method", "params"}`.
    pub fn calls(&self) -> Vec<Value> {
        lock(&self.shared).calls.clone()
    }

    /// How many of them were writes.
    pub fn writes(&self) -> usize {
        self.calls()
            .iter()
            .filter(|c| WRITES.contains(&c["function"].as_str().unwrap_or("")))
            .count()
    }

    /// Forgets the calls.
    pub fn reset_calls(&self) {
        lock(&self.shared).calls.clear();
    }
}

impl Drop for WhmSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The binary: `whm-sandbox --listen HOST:PORT [--user USER:TOKEN]`. The first line on
/// stdout is `listening on http://HOST:PORT`; stops on SIGTERM or SIGINT. Returns the exit
/// status (2 for a bad command line).
pub fn main_with(args: impl IntoIterator<Item = String>) -> i32 {
    let mut listen = None;
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next();
        match (flag.as_str(), value) {
            ("--listen", Some(v)) => listen = Some(v),
            ("--user", Some(v)) => match v.split_once(':') {
                Some((u, t)) if !u.is_empty() && !t.is_empty() => {
                    config.user = u.to_string();
                    config.token = t.to_string();
                }
                _ => return usage("--user expects USER:TOKEN"),
            },
            _ => return usage(&format!("unknown or incomplete option {flag:?}")),
        }
    }
    let Some(listen) = listen else {
        return usage("--listen is required");
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("whm-sandbox: {e}");
            return 1;
        }
    };
    runtime.block_on(async {
        let listener = match TcpListener::bind(&listen).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("whm-sandbox: cannot listen on {listen}: {e}");
                return 1;
            }
        };
        let addr = listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "listening on http://{addr}").and_then(|()| out.flush());
        }
        let shared = Arc::new(Mutex::new(State::new(&config)));
        serve(listener, shared, async {
            use tokio::signal::unix::{signal, SignalKind};
            match signal(SignalKind::terminate()) {
                Ok(mut term) => {
                    tokio::select! { _ = term.recv() => {}, _ = tokio::signal::ctrl_c() => {} }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        })
        .await;
        0
    })
}

fn usage(message: &str) -> i32 {
    eprintln!("whm-sandbox: {message}\nusage: whm-sandbox --listen HOST:PORT [--user USER:TOKEN]");
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn envelope_and_featurelist_shapes() {
        let mut s = State::new(&Config::default());
        s.seed(&json!({"disabled": ["backup"]})).unwrap();
        let d = s.call(
            "get_featurelist_data",
            &params(&[("featurelist", "default")]),
            "GET",
        );
        assert_eq!(
            d["metadata"],
            json!({"command": "get_featurelist_data", "reason": "OK", "result": 1, "version": 1})
        );
        let cdn = d["data"]["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "cdn")
            .unwrap()
            .clone();
        assert_eq!(
            (cdn["value"].clone(), cdn["is_disabled"].clone()),
            (json!(0), json!(0))
        );
        let backup = d["data"]["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "backup")
            .unwrap()
            .clone();
        assert_eq!(backup["is_disabled"], json!(1));
        let missing = s.call(
            "get_featurelist_data",
            &params(&[("featurelist", "nope")]),
            "GET",
        );
        assert_eq!(missing["metadata"]["result"], json!(0));
        assert!(missing.get("data").is_none());
    }

    #[test]
    fn update_keeps_other_features_and_reports_invalid_ones() {
        let mut s = State::new(&Config::default());
        s.seed(&json!({"featurelists": {"x": ["webmail"]}}))
            .unwrap();
        let r = s.call(
            "update_featurelist",
            &params(&[("featurelist", "x"), ("cdn", "1"), ("bogus", "1")]),
            "POST",
        );
        assert_eq!(r["data"]["invalid_features"], json!(["bogus"]));
        assert_eq!(s.to_json()["featurelists"]["x"], json!(["cdn", "webmail"]));
    }

    #[test]
    fn editpkg_resets_what_it_is_not_given() {
        let mut s = State::new(&Config::default());
        s.seed(&json!({"packages": {"gold": {"QUOTA": 500}}}))
            .unwrap();
        s.call("editpkg", &params(&[("name", "gold")]), "POST");
        assert_eq!(s.to_json()["packages"]["gold"]["QUOTA"], json!("unlimited"));
    }
}
