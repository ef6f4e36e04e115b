//! `tests/conformance/server.py` (Python's standard `xmlrpc.server` and hand-written odd
//! answers) as a child process of a test, stopped when dropped. Needs `python3` on the PATH.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct PythonServer {
    child: Child,
    pub port: u16,
}

impl PythonServer {
    /// Starts the server (over TLS with that certificate and key) and reads the port it took.
    pub fn start(tls: Option<(&Path, &Path)>) -> PythonServer {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/conformance/server.py"
        );
        let mut command = Command::new("python3");
        command.arg(script);
        if let Some((cert, key)) = tls {
            command.arg("--tls").arg(cert).arg(key);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/conformance/server.py");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .trim_start_matches("PORT ")
            .parse()
            .expect("the server prints PORT <n>");
        PythonServer { child, port }
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
