//! The `aflexi-sandbox` command line.
//!
//! ```text
//! aflexi-sandbox --listen 127.0.0.1:0 --operator USERNAME:AUTHKEY [--operator ...]
//!                [--latency-ms N] [--fault-rate F] [--seed S] [--state-file PATH]
//!                [--fault-kinds http500,reset,timeout,malformed,fault] [--hang-ms N]
//!                [--hard-delete]
//! ```
//!
//! The first line on stdout is exactly `listening on http://HOST:PORT` with the port actually
//! bound, flushed at once; nothing else goes to stdout. The process stops cleanly on SIGTERM
//! or SIGINT, after saving the state file. Exit status 2 for a bad command line, 1 when the
//! server cannot start.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use crate::faults::FaultKind;
use crate::{http, Config, Shared};

/// The usage text.
pub const USAGE: &str =
    "usage: aflexi-sandbox --listen HOST:PORT --operator USERNAME:AUTHKEY [--operator ...]
       [--latency-ms N] [--fault-rate F] [--seed S] [--state-file PATH]
       [--fault-kinds http500,reset,timeout,malformed,fault] [--hang-ms N] [--hard-delete]";

/// A parsed command line.
#[derive(Debug, Clone)]
pub struct Args {
    /// The address to bind, e.g. `127.0.0.1:0`.
    pub listen: String,
    /// Everything else.
    pub config: Config,
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag} expects a number, got {value:?}"))
}

/// Parses the arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut listen = None;
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--hard-delete" {
            config.hard_delete = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        // Both `--flag value` and `--flag=value`.
        let (flag, value) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), v.to_string()),
            _ => {
                let value = args
                    .next()
                    .ok_or_else(|| format!("{flag} expects a value"))?;
                (flag, value)
            }
        };
        match flag.as_str() {
            "--listen" => listen = Some(value),
            "--operator" => {
                let (username, key) = value
                    .split_once(':')
                    .filter(|(u, k)| !u.is_empty() && !k.is_empty())
                    .ok_or_else(|| {
                        format!(
                            "--operator expects USERNAME:AUTHKEY, got {:?}",
                            value.split(':').next().unwrap_or("")
                        )
                    })?;
                config
                    .operators
                    .push((username.to_string(), key.to_string()));
            }
            "--latency-ms" => config.latency_ms = number(&flag, &value)?,
            "--hang-ms" => config.hang_ms = number(&flag, &value)?,
            "--seed" => config.seed = number(&flag, &value)?,
            "--fault-rate" => {
                let rate: f64 = number(&flag, &value)?;
                if !(0.0..=1.0).contains(&rate) {
                    return Err(format!("--fault-rate must be from 0 to 1, got {rate}"));
                }
                config.fault_rate = rate;
            }
            "--fault-kinds" => config.fault_kinds = FaultKind::parse_list(&value)?,
            "--state-file" => config.state_file = Some(PathBuf::from(value)),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    let listen = listen.ok_or_else(|| "--listen is required".to_string())?;
    Ok(Args { listen, config })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs the binary; returns the exit status.
pub fn main_with(args: impl IntoIterator<Item = String>) -> i32 {
    let args = match parse(args) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("aflexi-sandbox: {message}");
            }
            eprintln!("{USAGE}");
            return 2;
        }
    };
    let shared = match Shared::new(&args.config) {
        Ok(shared) => Arc::new(shared),
        Err(e) => {
            eprintln!("aflexi-sandbox: {e}");
            return 1;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("aflexi-sandbox: cannot start the runtime: {e}");
            return 1;
        }
    };
    let status = runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&args.listen).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("aflexi-sandbox: cannot listen on {}: {e}", args.listen);
                return 1;
            }
        };
        let addr = match listener.local_addr() {
            Ok(addr) => addr,
            Err(e) => {
                eprintln!("aflexi-sandbox: {e}");
                return 1;
            }
        };
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, "listening on http://{addr}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            // Whoever started us is gone; keep serving anyway.
        }
        drop(stdout);
        http::run(listener, shared, shutdown_signal()).await;
        0
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_the_documented_command_line() {
        let a = args(&[
            "--listen",
            "127.0.0.1:0",
            "--operator",
            "acme:k:with:colons",
            "--operator",
            "b:2",
            "--latency-ms",
            "5",
            "--fault-rate",
            "0.25",
            "--seed",
            "9",
            "--state-file",
            "/tmp/s.json",
            "--fault-kinds",
            "reset,fault",
            "--hang-ms",
            "100",
            "--hard-delete",
        ])
        .unwrap();
        assert_eq!(a.listen, "127.0.0.1:0");
        assert_eq!(
            a.config.operators,
            vec![
                ("acme".to_string(), "k:with:colons".to_string()),
                ("b".into(), "2".into())
            ]
        );
        assert_eq!(
            (a.config.latency_ms, a.config.seed, a.config.hang_ms),
            (5, 9, 100)
        );
        assert_eq!(a.config.fault_rate, 0.25);
        assert_eq!(
            a.config.fault_kinds,
            vec![FaultKind::Reset, FaultKind::Fault]
        );
        assert!(a.config.hard_delete);
        assert_eq!(a.config.state_file, Some(PathBuf::from("/tmp/s.json")));
    }

    #[test]
    fn defaults_and_equals_form() {
        let a = args(&["--listen=127.0.0.1:8080"]).unwrap();
        assert_eq!(a.listen, "127.0.0.1:8080");
        assert_eq!(a.config.seed, 1);
        assert_eq!(a.config.fault_kinds.len(), 5);
    }

    #[test]
    fn refuses_mistakes_without_echoing_keys() {
        assert!(args(&[]).is_err());
        assert!(args(&["--listen", "x", "--bogus", "1"]).is_err());
        assert!(args(&["--listen", "x", "--fault-rate", "2"]).is_err());
        let err = args(&["--listen", "x", "--operator", "nokey"]).unwrap_err();
        assert!(err.contains("USERNAME:AUTHKEY"));
        let err = args(&["--listen", "x", "--operator", ":secretkey"]).unwrap_err();
        assert!(!err.contains("secretkey"));
        assert!(args(&["--listen"]).is_err());
    }
}
