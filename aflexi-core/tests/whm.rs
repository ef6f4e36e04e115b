//! The WHM client against the WHM stand-in (tests/whm-sandbox) over loopback HTTP.

use std::time::Duration;

use aflexi_core::whm::{describe, Credential, Status, WhmClient, WhmConfig};
use aflexi_core::{Error, Secret};
use serde_json::{json, Value};
use whm_sandbox::{Config, WhmSandbox};

const TOKEN: &str = "WHM-TOKEN-never-print";

fn whm() -> WhmSandbox {
    WhmSandbox::start(Config::default()).unwrap()
}

fn client_with(url: &str, token: &str) -> WhmClient {
    let mut c = WhmConfig::new(url, "root", Credential::Token(Secret::new(token))).unwrap();
    c.connect_timeout = Duration::from_secs(2);
    c.request_timeout = Duration::from_secs(5);
    WhmClient::new(c).unwrap()
}

fn client(w: &WhmSandbox) -> WhmClient {
    client_with(&w.url(), TOKEN)
}

fn list(w: &WhmSandbox, name: &str) -> Value {
    w.state()["featurelists"][name].clone()
}

#[test]
fn turns_the_feature_on_in_the_package_s_own_list_keeping_the_others() {
    let w = whm();
    w.seed(
        &json!({"featurelists": {"gold_features": ["webmail", "autossl"]},
        "packages": {"gold": {"FEATURELIST": "gold_features", "QUOTA": 500}}}),
    )
    .unwrap();
    let c = client(&w);
    let r = c.ensure_feature("gold").unwrap();
    assert_eq!(r.status, Status::Enabled);
    assert_eq!((r.featurelist.as_str(), r.writes), ("gold_features", 1));
    assert_eq!(
        list(&w, "gold_features"),
        json!(["autossl", "cdn", "webmail"])
    );
    // Only `cdn` was sent, so nothing else could change.
    let update = w
        .calls()
        .into_iter()
        .find(|c| c["function"] == "update_featurelist")
        .unwrap();
    assert_eq!(
        update["params"],
        json!({"api.version": "1", "cdn": "1", "featurelist": "gold_features"})
    );
    assert_eq!(w.state()["packages"]["gold"]["QUOTA"], json!(500));

    w.reset_calls();
    let again = c.ensure_feature("gold").unwrap();
    assert_eq!((again.status, again.writes), (Status::AlreadyOn, 0));
    assert_eq!(w.writes(), 0);
    assert_eq!(w.calls().len(), 2, "a rerun is two reads");
}

#[test]
fn a_package_on_the_shared_default_list_gets_a_list_of_its_own() {
    let w = whm();
    w.seed(&json!({"packages": {
        "silver": {"FEATURELIST": "default", "QUOTA": 2048, "HASSHELL": 1, "DIGESTAUTH": "y", "LANG": "fr", "MAXFTP": 3},
        "bronze": {"FEATURELIST": "default"}}}))
        .unwrap();
    let default_before = list(&w, "default");
    let c = client(&w);
    let r = c.ensure_feature("silver").unwrap();
    assert_eq!(r.status, Status::Created);
    assert_eq!(r.featurelist, "silver_cdn");
    assert_eq!(r.previous_featurelist.as_deref(), Some("default"));
    assert_eq!(r.writes, 2);
    let mut expected: Vec<Value> = default_before.as_array().unwrap().clone();
    expected.push(json!("cdn"));
    expected.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    assert_eq!(list(&w, "silver_cdn"), Value::Array(expected));
    let state = w.state();
    let silver = &state["packages"]["silver"];
    assert_eq!(silver["FEATURELIST"], "silver_cdn");
    // editpkg resets what it is not given: every setting was sent back unchanged.
    assert_eq!(
        (
            silver["QUOTA"].clone(),
            silver["HASSHELL"].clone(),
            silver["DIGESTAUTH"].clone()
        ),
        (json!(2048), json!(1), json!("y"))
    );
    assert_eq!(
        (silver["LANG"].clone(), silver["MAXFTP"].clone()),
        (json!("fr"), json!(3))
    );
    // Nobody else got the plugin.
    assert_eq!(list(&w, "default"), default_before);
    assert_eq!(state["packages"]["bronze"]["FEATURELIST"], "default");

    w.reset_calls();
    let again = c.ensure_feature("silver").unwrap();
    assert_eq!(
        (again.status, again.writes, w.writes()),
        (Status::AlreadyOn, 0, 0)
    );
}

#[test]
fn a_list_shared_by_two_packages_is_not_edited() {
    let w = whm();
    w.seed(&json!({"featurelists": {"team": ["webmail"]},
        "packages": {"a": {"FEATURELIST": "team"}, "b": {"FEATURELIST": "team"}}}))
        .unwrap();
    let r = client(&w).ensure_feature("a").unwrap();
    assert_eq!(r.status, Status::Created);
    assert_eq!(list(&w, "team"), json!(["webmail"]));
    assert_eq!(list(&w, "a_cdn"), json!(["cdn", "webmail"]));
}

#[test]
fn a_missing_package_is_a_clear_error_and_nothing_is_written() {
    let w = whm();
    w.seed(&json!({"packages": {"gold": {}}})).unwrap();
    let e = client(&w).ensure_feature("platinum").unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    assert_eq!(
        describe(&e),
        "cPanel package \"platinum\" does not exist on the WHM server"
    );
    assert_eq!(w.writes(), 0);
}

#[test]
fn the_disabled_list_and_a_missing_plugin_are_reported_not_worked_around() {
    let w = whm();
    w.seed(&json!({"disabled": ["cdn"], "packages": {"gold": {}}}))
        .unwrap();
    let e = client(&w).ensure_feature("gold").unwrap_err();
    assert!(describe(&e).contains("\"disabled\" feature list"), "{e}");
    assert_eq!(w.writes(), 0);

    let w = whm();
    w.seed(&json!({"features": ["webmail"], "featurelists": {"default": ["webmail"]}, "packages": {"gold": {}}}))
        .unwrap();
    let e = client(&w).ensure_feature("gold").unwrap_err();
    assert!(describe(&e).contains("not installed"), "{e}");
    assert_eq!(w.writes(), 0);
}

#[test]
fn a_wrong_token_or_a_server_that_is_down_is_reported_without_the_token() {
    let w = whm();
    w.seed(&json!({"packages": {"gold": {}}})).unwrap();
    let wrong = "WRONG-token-4f1d-never-print";
    let c = client_with(&w.url(), wrong);
    let e = c.ensure_feature("gold").unwrap_err();
    assert!(matches!(e, Error::Authentication(_)), "{e:?}");
    let log = format!("{:?} {}", c.take_log(), describe(&e));
    assert!(!log.contains(wrong) && !format!("{c:?}").contains(wrong));

    let url = w.url();
    drop(w);
    let c = client_with(&url, TOKEN);
    let e = c.ensure_feature("gold").unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(
        describe(&e).starts_with("WHM API connection refused"),
        "{}",
        describe(&e)
    );
    assert!(!format!("{e:?}{:?}", c.take_log()).contains(TOKEN));
}

#[test]
fn the_log_names_functions_and_parameters_never_values() {
    let w = whm();
    w.seed(&json!({"packages": {"gold": {}}})).unwrap();
    let c = client(&w);
    c.ensure_feature("gold").unwrap();
    let log = c.take_log();
    let functions: Vec<&str> = log.iter().map(|l| l.function.as_str()).collect();
    assert_eq!(
        functions,
        [
            "listpkgs",
            "get_featurelist_data",
            "update_featurelist",
            "editpkg"
        ]
    );
    assert!(log.iter().all(|l| l.outcome == "ok"));
}

/// `openssl s_server` with a throw-away self-signed certificate (the openssl command line is
/// there on every Debian; no TLS crate is added for one test). Stopped on drop.
struct UntrustedTls {
    child: std::process::Child,
    port: u16,
    _dir: std::path::PathBuf,
}

impl UntrustedTls {
    fn start() -> UntrustedTls {
        use std::process::{Command, Stdio};
        let dir = std::env::temp_dir().join(format!("whm-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the openssl command line is installed");
        assert!(made.success());
        // Port 0: s_server picks a free port and prints "ACCEPT 127.0.0.1:<port>" once it
        // listens, so the test blocks on that line instead of polling the port.
        let mut child = Command::new("openssl")
            .args(["s_server", "-www", "-accept", "127.0.0.1:0", "-cert"])
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines =
            std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()));
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.strip_prefix("ACCEPT ")
                    .and_then(|at| at.rsplit(':').next()?.parse::<u16>().ok())
            })
            .expect("openssl s_server printed its ACCEPT line");
        // Keep draining what it prints per connection, so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        UntrustedTls {
            child,
            port,
            _dir: dir,
        }
    }
}

impl Drop for UntrustedTls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

#[test]
fn an_https_server_with_an_untrusted_certificate_is_refused_unless_verification_is_off() {
    let tls = UntrustedTls::start();
    let url = format!("https://127.0.0.1:{}", tls.port);
    let e = client_with(&url, TOKEN).ensure_feature("gold").unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    assert!(
        describe(&e).to_lowercase().contains("certificate"),
        "{}",
        describe(&e)
    );

    // With verification off the handshake succeeds, and openssl's HTML page is not WHM.
    let mut c = WhmConfig::new(&url, "root", Credential::Token(Secret::new(TOKEN))).unwrap();
    c.verify_tls = false;
    let e = WhmClient::new(c)
        .unwrap()
        .ensure_feature("gold")
        .unwrap_err();
    assert!(matches!(e, Error::Protocol(_)), "{e:?}");
}
