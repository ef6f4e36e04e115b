//! The client on a host whose trust store cannot be read : `SSL_CERT_FILE` and
//! `SSL_CERT_DIR` point at an empty file and an empty folder, as in a jailed PHP. This file is
//! its own test process, so setting the variables affects no other test.

mod python_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use python_server::PythonServer;

use aflexi_core::client::{BlockingClient, ClientConfig};

fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl {args:?}");
}

/// A CA and a certificate for 127.0.0.1 that it signed, in a new folder.
fn certificates() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aflexi-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    openssl(
        &dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Aflexi test CA",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    dir
}

fn client(url: String, ca_file: Option<PathBuf>) -> BlockingClient {
    let mut config = ClientConfig::new(url, "op", "conformance-key").unwrap();
    config.operator_id = Some(7);
    config.read_retries = 0;
    config.ca_file = ca_file;
    BlockingClient::new(config).unwrap()
}

#[test]
fn without_a_readable_trust_store_http_works_and_https_uses_bundled_roots_and_the_ca_file() {
    let dir = certificates();
    let empty_dir = dir.join("no-certs");
    std::fs::create_dir_all(&empty_dir).unwrap();
    std::fs::write(dir.join("empty.pem"), "").unwrap();
    // SAFETY of the test: this is the only test of this process; nothing else reads them.
    std::env::set_var("SSL_CERT_FILE", dir.join("empty.pem"));
    std::env::set_var("SSL_CERT_DIR", &empty_dir);

    // Plain HTTP does not depend on the store.
    let plain = PythonServer::start(None);
    let c = client(
        format!("http://127.0.0.1:{}/std/core/xmlrpc", plain.port),
        None,
    );
    assert_eq!(c.run(|c| c.list_packages()).unwrap().len(), 2);

    // HTTPS with the operator's CA file: trusted, on the bundled roots plus that file.
    let tls = PythonServer::start(Some((&dir.join("server.pem"), &dir.join("server.key"))));
    let url = format!("https://127.0.0.1:{}/std/core/xmlrpc", tls.port);
    let c = client(url.clone(), Some(dir.join("ca.pem")));
    assert_eq!(c.run(|c| c.list_packages()).unwrap().len(), 2);
    let log = format!("{:?}", c.client().take_call_log());
    assert!(log.contains("bundled Mozilla root set"), "{log}");
    assert!(
        log.contains("empty.pem"),
        "the note names the store tried: {log}"
    );

    // Without it the test CA is not trusted: a TLS error, not a set-up error.
    let e = client(url, None).run(|c| c.list_packages()).unwrap_err();
    assert_eq!(e.kind(), "tls", "{e}");

    std::fs::remove_dir_all(&dir).unwrap();
}
