//! Redirects are refused, never followed: the Aflexi request body carries the login and auth
//! key, and every WHM request carries the token. A hostile endpoint answers 301/302/307/308
//! pointing at a capture server on another loopback port, which must receive nothing.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use aflexi_core::client::{BlockingClient, ClientConfig};
use aflexi_core::error::TransportKind;
use aflexi_core::whm::{Credential, WhmClient, WhmConfig};
use aflexi_core::{Error, Secret};

const KEY: &str = "redirected-auth-key-31";

/// A server on loopback that answers every request with `status` and `Location: location`.
fn redirector(status: u16, location: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let location = location.clone();
            thread::spawn(move || answer(&mut stream, status, &location));
        }
    });
    port
}

/// Reads one request (headers and a Content-Length body) and answers the redirect.
fn answer(stream: &mut TcpStream, status: u16, location: &str) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf) else { return };
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                break;
            }
        }
    }
    let reply = format!(
        "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let _ = stream.write_all(reply.as_bytes());
}

/// A listener nobody should connect to; `received()` says whether anyone did.
struct Capture(TcpListener);

impl Capture {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Capture(listener)
    }

    fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}{path}",
            self.0.local_addr().unwrap().port()
        )
    }

    /// A followed redirect would have connected before the call returned, so the kernel's
    /// accept queue holds it by now: no waiting needed.
    fn received(&self) -> bool {
        match self.0.accept() {
            Ok(_) => true,
            Err(e) if e.kind() == ErrorKind::WouldBlock => false,
            Err(e) => panic!("capture listener: {e}"),
        }
    }
}

fn aflexi_client(port: u16) -> BlockingClient {
    let mut c = ClientConfig::new(
        format!("http://127.0.0.1:{port}/core/xmlrpc"),
        "operator",
        KEY,
    )
    .unwrap();
    c.connect_timeout = Duration::from_secs(2);
    c.request_timeout = Duration::from_secs(5);
    c.retry_backoff = Duration::from_millis(1);
    BlockingClient::new(c).unwrap()
}

#[test]
fn the_aflexi_client_reports_redirects_and_sends_nothing_to_the_target() {
    for status in [301, 302, 307, 308] {
        let capture = Capture::new();
        let target = capture.url("/core/xmlrpc");
        let port = redirector(status, target.clone());
        let client = aflexi_client(port);
        let err = client.run(|c| c.verify_credentials()).unwrap_err();
        match &err {
            Error::Transport {
                kind: TransportKind::Redirect(code),
                message,
            } => {
                assert_eq!(*code, status);
                assert!(
                    message.contains(&format!("redirects to {target}"))
                        && message.contains(&format!("configure {target}")),
                    "{message}"
                );
            }
            other => panic!("HTTP {status}: expected a redirect error, got {other:?}"),
        }
        assert!(!err.to_string().contains(KEY));
        assert!(
            !capture.received(),
            "HTTP {status}: the capture server was contacted"
        );
        // A redirect is not retried: one call, whatever the read retries are.
        let counts = client.client().call_counts();
        assert_eq!(counts.values().sum::<u64>(), 1, "HTTP {status}: {counts:?}");
    }
}

#[test]
fn a_relative_location_is_named_as_a_full_url() {
    let port = redirector(308, "/elsewhere/xmlrpc".to_string());
    let err = aflexi_client(port)
        .run(|c| c.verify_credentials())
        .unwrap_err();
    let expected = format!("http://127.0.0.1:{port}/elsewhere/xmlrpc");
    assert!(err.to_string().contains(&expected), "{err}");
}

#[test]
fn the_whm_client_reports_redirects_and_sends_nothing_to_the_target() {
    for status in [301, 302, 307, 308] {
        let capture = Capture::new();
        let port = redirector(status, capture.url("/json-api/listpkgs"));
        let mut config = WhmConfig::new(
            format!("http://127.0.0.1:{port}"),
            "root",
            Credential::Token(Secret::new("whm-token-redirected")),
        )
        .unwrap();
        config.connect_timeout = Duration::from_secs(2);
        config.request_timeout = Duration::from_secs(5);
        let err = WhmClient::new(config)
            .unwrap()
            .ensure_feature("gold")
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportKind::Redirect(code),
                    ..
                } if code == status
            ),
            "HTTP {status}: {err:?}"
        );
        assert!(err.to_string().contains("redirects to"), "{err}");
        assert!(
            !capture.received(),
            "HTTP {status}: the capture server was contacted"
        );
    }
}
