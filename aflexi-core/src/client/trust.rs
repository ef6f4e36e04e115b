//! Which certificates an HTTPS connection trusts.
//!
//! * A plain-HTTP endpoint trusts nothing and needs no store: the HTTP client is built with an
//!   empty root set, so a host without a readable CA store (a chroot, a jailed PHP with
//!   `SSL_CERT_FILE` pointing elsewhere) can still reach it.
//! * HTTPS uses the system store (rustls's platform verifier, which reads the same files as
//!   OpenSSL and honours `SSL_CERT_FILE` / `SSL_CERT_DIR`). When that store is empty or
//!   unreadable, the Mozilla root set bundled in the binary (`webpki-root-certs`) is used
//!   instead, and the call log says so.
//! * An operator's CA file (PEM, the `ca_file` setting) is trusted in addition to either.

use std::path::Path;

use crate::error::TransportKind;
use crate::{Error, Result};

/// The roots to give an HTTP client for `endpoint`, applied to `builder`, with a sentence for
/// the log when the bundled roots stand in for the system store.
pub(crate) fn apply(
    builder: reqwest::ClientBuilder,
    endpoint: &str,
    ca_file: Option<&Path>,
) -> Result<(reqwest::ClientBuilder, Option<String>)> {
    if !endpoint.to_ascii_lowercase().starts_with("https:") {
        return Ok((builder.tls_certs_only(Vec::new()), None));
    }
    let extra = match ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let system = rustls_native_certs::load_native_certs();
    if !system.certs.is_empty() {
        return Ok((builder.tls_certs_merge(extra), None));
    }
    let why = match system.errors.first() {
        Some(e) => format!("unreadable ({e})"),
        None => "empty".to_string(),
    };
    let mut roots = bundled()?;
    roots.extend(extra);
    let note = format!(
        "the system trust store is {why} (SSL_CERT_FILE={}, SSL_CERT_DIR={}); HTTPS uses the bundled Mozilla root set{}",
        env_or_unset("SSL_CERT_FILE"),
        env_or_unset("SSL_CERT_DIR"),
        if ca_file.is_some() { " and the CA file" } else { "" },
    );
    Ok((builder.tls_certs_only(roots), Some(note)))
}

fn env_or_unset(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| "(unset)".to_string())
}

/// The Mozilla roots compiled into the binary.
fn bundled() -> Result<Vec<reqwest::Certificate>> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| reqwest::Certificate::from_der(der.as_ref()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Transport {
            kind: TransportKind::Tls,
            message: format!("the bundled Mozilla root set could not be loaded: {e}"),
        })
}

/// The certificates of a PEM file, or an error naming the file and what is wrong with it.
fn read_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let shown = path.display();
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid("CA file", format!("{shown} cannot be read: {e}")))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| Error::invalid("CA file", format!("{shown} is not a PEM bundle: {e}")))?;
    if certs.is_empty() {
        return Err(Error::invalid(
            "CA file",
            format!("{shown} holds no certificate (PEM 'BEGIN CERTIFICATE' blocks)"),
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_never_reads_a_store() {
        let (builder, note) = apply(reqwest::Client::builder(), "http://h/x", None).unwrap();
        assert!(note.is_none());
        builder.build().unwrap();
    }

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let e = apply(
            reqwest::Client::builder(),
            "https://h/x",
            Some(Path::new("/nonexistent/ca.pem")),
        )
        .unwrap_err();
        assert!(e.to_string().contains("/nonexistent/ca.pem"), "{e}");
        let empty =
            std::env::temp_dir().join(format!("aflexi-empty-ca-{}.pem", std::process::id()));
        std::fs::write(&empty, "no certificate here\n").unwrap();
        let e = apply(reqwest::Client::builder(), "https://h/x", Some(&empty)).unwrap_err();
        std::fs::remove_file(&empty).unwrap();
        assert!(e.to_string().contains("no certificate"), "{e}");
    }

    #[test]
    fn the_bundled_roots_load() {
        assert!(bundled().unwrap().len() > 100);
    }
}
