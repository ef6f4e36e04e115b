//! A small blocking HTTP client for the sandbox tests: plain `std::net::TcpStream`, so each
//! test sees exactly what goes over the wire, and the core codec for XML-RPC.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use aflexi_core::xmlrpc::{decode_response, encode_call, Fault, DEFAULT_MAX_RESPONSE_BYTES};
use aflexi_sandbox::{Config, Sandbox};
use serde_json::{json, Value};

/// The operators of most tests: `acme` (id 1) and `rival` (id 2).
pub const ACME_KEY: &str = "acme-secret-key";
pub const RIVAL_KEY: &str = "rival-secret-key";

pub fn sandbox() -> Sandbox {
    Sandbox::start(Config {
        operators: vec![
            ("acme".into(), ACME_KEY.into()),
            ("rival".into(), RIVAL_KEY.into()),
        ],
        ..Config::default()
    })
    .expect("sandbox starts")
}

/// A raw HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status_line: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream
}

fn request_bytes(method: &str, path: &str, version: &str, body: &[u8], extra: &str) -> Vec<u8> {
    let mut out = format!(
        "{method} {path} {version}\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Parses a response whose end is the end of `raw` (the server closed the connection).
pub fn parse_response(raw: &[u8]) -> Option<HttpResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?.to_string();
    let status = status_line.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(HttpResponse {
        status_line,
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// One request on a fresh connection with `Connection: close`; `None` when the server
/// closed the connection without answering. Panics when it neither answers nor closes within
/// the read timeout (a hang is not a dropped connection).
pub fn try_http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Option<HttpResponse> {
    let mut stream = connect(addr);
    stream
        .write_all(&request_bytes(
            method,
            path,
            "HTTP/1.1",
            body,
            "Connection: close\r\n",
        ))
        .expect("write");
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        use std::io::ErrorKind::{TimedOut, WouldBlock};
        assert!(
            !matches!(e.kind(), WouldBlock | TimedOut),
            "{method} {path}: no answer and no close: {e}"
        );
    }
    parse_response(&raw)
}

pub fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> HttpResponse {
    try_http(addr, method, path, body).expect("an HTTP response")
}

/// An HTTP/1.0 request, read until the server closes the connection (the IXR way).
pub fn http10(addr: SocketAddr, path: &str, body: &[u8]) -> HttpResponse {
    let mut stream = connect(addr);
    stream
        .write_all(&request_bytes("POST", path, "HTTP/1.0", body, ""))
        .expect("write");
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .expect("the server closes an HTTP/1.0 connection");
    parse_response(&raw).expect("an HTTP response")
}

/// A keep-alive connection that reads each response by its Content-Length.
pub struct KeepAlive {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl KeepAlive {
    pub fn open(addr: SocketAddr) -> KeepAlive {
        KeepAlive {
            stream: connect(addr),
            buffer: Vec::new(),
        }
    }

    pub fn post(&mut self, path: &str, body: &[u8]) -> HttpResponse {
        self.stream
            .write_all(&request_bytes("POST", path, "HTTP/1.1", body, ""))
            .expect("write");
        loop {
            if let Some(split) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = parse_response(&self.buffer[..split + 4]).expect("head");
                let length: usize = head
                    .header("content-length")
                    .and_then(|v| v.parse().ok())
                    .expect("content-length");
                if self.buffer.len() >= split + 4 + length {
                    let rest = self.buffer.split_off(split + 4 + length);
                    let raw = std::mem::replace(&mut self.buffer, rest);
                    return parse_response(&raw).expect("response");
                }
            }
            let mut chunk = [0u8; 16384];
            let n = self.stream.read(&mut chunk).expect("read");
            assert!(n > 0, "the server closed a keep-alive connection");
            self.buffer.extend_from_slice(&chunk[..n]);
        }
    }

    pub fn call(&mut self, method: &str, params: &[Value]) -> Result<Value, Fault> {
        let body = encode_call(method, params).expect("encodable call");
        let response = self.post("/core/xmlrpc", body.as_bytes());
        decode(&response)
    }
}

pub fn decode(response: &HttpResponse) -> Result<Value, Fault> {
    assert_eq!(response.status, 200, "{}", response.text());
    decode_response(&response.body, DEFAULT_MAX_RESPONSE_BYTES)
        .expect("a well-formed XML-RPC response")
}

/// An XML-RPC call on `path` (`/core/xmlrpc` or `/stats/xmlrpc`).
pub fn call_at(sb: &Sandbox, path: &str, method: &str, params: &[Value]) -> Result<Value, Fault> {
    let body = encode_call(method, params).expect("encodable call");
    decode(&http(sb.addr(), "POST", path, body.as_bytes()))
}

/// An XML-RPC call on the core endpoint.
pub fn call(sb: &Sandbox, method: &str, params: &[Value]) -> Result<Value, Fault> {
    call_at(sb, "/core/xmlrpc", method, params)
}

/// A call as `login` with `secret`: the credentials are prepended to `rest`.
pub fn call_as(
    sb: &Sandbox,
    login: &str,
    secret: &str,
    method: &str,
    rest: &[Value],
) -> Result<Value, Fault> {
    let mut params = vec![json!(login), json!(secret)];
    params.extend_from_slice(rest);
    call(sb, method, &params)
}

/// A call as operator `acme`.
pub fn acme(sb: &Sandbox, method: &str, rest: &[Value]) -> Result<Value, Fault> {
    call_as(sb, "acme", ACME_KEY, method, rest)
}

/// A call that must succeed.
pub fn ok(result: Result<Value, Fault>) -> Value {
    match result {
        Ok(v) => v,
        Err(f) => panic!("unexpected fault {}: {}", f.code, f.message),
    }
}

/// The fault code of a call that must fail.
pub fn fault(result: Result<Value, Fault>) -> Fault {
    match result {
        Ok(v) => panic!("expected a fault, got {v}"),
        Err(f) => f,
    }
}

/// A JSON control request.
pub fn control(sb: &Sandbox, method: &str, path: &str, body: Value) -> (u16, Value) {
    let text = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let r = http(sb.addr(), method, path, text.as_bytes());
    (r.status, r.json())
}

/// Creates a package for `acme` and returns its id.
pub fn acme_package(sb: &Sandbox, name: &str) -> i64 {
    ok(acme(
        sb,
        "bandwidthPackage.create",
        &[json!({"name": name})],
    ))
    .as_i64()
    .expect("an int id")
}

/// Creates a publisher for `acme` and returns its id.
pub fn acme_publisher(sb: &Sandbox, username: &str, package: i64) -> i64 {
    ok(acme(
        sb,
        "user.create",
        &[
            json!({"username": username, "email": format!("{}@example.com", username.replace('/', "_")), "name": "A Publisher", "role": "PUBLISHER", "status": "ACTIVE"}),
            json!({"id": package}),
        ],
    ))
    .as_i64()
    .expect("an int id")
}

/// The `results` array of a `.get`.
pub fn results(v: Value) -> Vec<Value> {
    match v {
        Value::Object(mut map) => match map.remove("results") {
            Some(Value::Array(items)) => items,
            other => panic!("no results array: {other:?}"),
        },
        other => panic!("not a struct: {other}"),
    }
}
