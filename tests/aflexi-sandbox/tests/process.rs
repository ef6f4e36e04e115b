//! The state file across restarts and the `aflexi-sandbox` binary.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aflexi_sandbox::{Config, Sandbox};
use common::*;
use serde_json::json;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aflexi-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn with_state_file(path: &Path) -> Config {
    Config {
        operators: vec![
            ("acme".into(), ACME_KEY.into()),
            ("rival".into(), RIVAL_KEY.into()),
        ],
        state_file: Some(path.to_path_buf()),
        ..Config::default()
    }
}

#[test]
fn the_state_file_survives_a_restart() {
    let dir = temp_dir("restart");
    let path = dir.join("state.json");
    let (pkg, publisher) = {
        let sb = Sandbox::start(with_state_file(&path)).unwrap();
        let pkg = acme_package(&sb, "gold");
        let publisher = ok(acme(
            &sb,
            "user.create",
            &[
                json!({"username": "shop", "email": "s@x.y", "password": "persisted1"}),
                json!({"id": pkg}),
            ],
        ));
        (pkg, publisher)
    };
    let sb = Sandbox::start(with_state_file(&path)).unwrap();
    let links = results(ok(acme(&sb, "publisherLink.get", &[json!({})])));
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["publisher"]["id"], publisher);
    assert_eq!(links[0]["bandwidthPackage"]["id"], pkg);
    // Passwords and the id sequences survive too.
    let me = results(ok(call_as(
        &sb,
        "shop/1",
        "persisted1",
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], publisher);
    assert_eq!(acme_package(&sb, "silver"), pkg + 1);
    drop(sb);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn changes_reach_the_state_file_without_a_shutdown() {
    let dir = temp_dir("debounce");
    let path = dir.join("state.json");
    let sb = Sandbox::start(with_state_file(&path)).unwrap();
    acme_package(&sb, "written-soon");
    // Only the background writer saves while the sandbox runs: wait for it, then read once.
    assert!(
        sb.wait_saved(Duration::from_secs(30)),
        "the state file was not written"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("written-soon"), "{text}");
    // No temporary files are left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("state.json")]);
    drop(sb);
    std::fs::remove_dir_all(&dir).unwrap();
}

struct Server {
    child: Child,
    addr: SocketAddr,
    first_line: String,
}

impl Server {
    fn spawn(extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aflexi-sandbox"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--operator",
                &format!("acme:{ACME_KEY}"),
                "--operator",
                &format!("rival:{RIVAL_KEY}"),
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        let first_line = first_line.trim_end_matches('\n').to_string();
        let addr = first_line
            .strip_prefix("listening on http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"));
        Server {
            child,
            addr,
            first_line,
        }
    }

    fn call(&self, method: &str, rest: &[serde_json::Value]) -> serde_json::Value {
        let mut params = vec![json!("acme"), json!(ACME_KEY)];
        params.extend_from_slice(rest);
        let body = aflexi_core::xmlrpc::encode_call(method, &params).unwrap();
        decode(&http(self.addr, "POST", "/core/xmlrpc", body.as_bytes())).unwrap()
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        // Blocks until it exits; a sandbox that ignored SIGTERM hangs the test, which the
        // test runner reports.
        self.child.wait().unwrap()
    }
}

#[test]
fn the_binary_prints_the_listening_line_first_and_stops_on_sigterm() {
    let server = Server::spawn(&["--seed", "3", "--latency-ms", "0", "--fault-rate", "0"]);
    assert!(server
        .first_line
        .starts_with("listening on http://127.0.0.1:"));
    assert_ne!(server.addr.port(), 0);
    let me = server.call("user.get", &[json!({"self": true})]);
    assert_eq!(me["results"][0]["username"], "acme");
    assert!(server.terminate().success());
}

#[test]
fn the_binary_saves_its_state_file_on_sigterm_and_loads_it_again() {
    let dir = temp_dir("cli");
    let path = dir.join("state.json");
    let path_arg = path.to_str().unwrap().to_string();
    let server = Server::spawn(&["--state-file", &path_arg, "--hard-delete"]);
    let id = server.call(
        "bandwidthPackage.create",
        &[json!({"name": "from-the-cli"})],
    );
    assert!(server.terminate().success());
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("from-the-cli"));
    let server = Server::spawn(&["--state-file", &path_arg]);
    let got = server.call("bandwidthPackage.get", &[json!({"user": "acme"})]);
    assert_eq!(got["results"][0]["id"], id);
    assert!(server.terminate().success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_binary_refuses_a_bad_command_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_aflexi-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--fault-kinds", "boom"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}
