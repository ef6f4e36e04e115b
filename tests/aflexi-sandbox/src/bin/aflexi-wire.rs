//! `aflexi-wire --upstream HOST:PORT`: the loopback server of `aflexi_sandbox::wire` as a
//! process, for the PHP drills of docs/RELIABILITY.md (i) and (j) (`tests/php/ext`
//! `WireFuzzTest`, `WireLimitsTest`). It prints `listening on http://HOST:PORT`, then answers
//! each XML-RPC call with the sandbox's real answer to it (asked once per distinct request and
//! kept, so a replayed case gets the same answers) changed as the current mode says.
//!
//! The mode is set with `POST /_wire/mode` and a JSON body:
//!
//! | body | answers |
//! |---|---|
//! | `{"mode": "pass"}` | the real answer (the start) |
//! | `{"mode": "fuzz", "seed": S}` | the real answer mutated (`wire::mutated`), the n-th answer to a method of the case seeded S drawn from `wire::rng_for(S, method, n)`; the counts restart |
//! | `{"mode": "trickle", "every_ms": N}` | the real body, one byte every N ms (slow-loris) |
//! | `{"mode": "pad", "size": N, "content_length": B}` | the real body padded to N bytes, with or without `Content-Length` |
//!
//! `GET /_wire/stats` answers `{"answered": N}`, the calls answered so far.

use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aflexi_sandbox::wire::{self, Answer, Request, Wire};
use serde_json::{json, Value};

#[derive(Default)]
struct State {
    mode: Value,
    asked: HashMap<String, u64>,
    real: HashMap<(String, Vec<u8>), Arc<Vec<u8>>>,
    answered: u64,
}

fn json_answer(status: &str, value: &Value) -> Answer {
    let body = value.to_string();
    Answer::Raw(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

fn control(state: &Mutex<State>, request: &Request) -> Answer {
    let mut state = state.lock().unwrap();
    if request.path == "/_wire/stats" {
        return json_answer("200 OK", &json!({ "answered": state.answered }));
    }
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(mode) if mode["mode"].is_string() => {
            state.mode = mode;
            state.asked.clear();
            json_answer("200 OK", &json!({ "ok": true }))
        }
        _ => json_answer(
            "400 Bad Request",
            &json!({ "error": "a JSON body with \"mode\"" }),
        ),
    }
}

/// The sandbox's answer to `request`, asked once.
fn real(state: &Mutex<State>, upstream: SocketAddr, request: &Request) -> Arc<Vec<u8>> {
    let key = (request.path.clone(), request.body.clone());
    if let Some(known) = state.lock().unwrap().real.get(&key) {
        return Arc::clone(known);
    }
    let answer = Arc::new(wire::forward(upstream, request).unwrap_or_default());
    let mut state = state.lock().unwrap();
    Arc::clone(state.real.entry(key).or_insert(answer))
}

fn respond(state: &Mutex<State>, upstream: SocketAddr, request: &Request) -> Answer {
    if request.path.starts_with("/_wire/") {
        return control(state, request);
    }
    let real = real(state, upstream, request);
    let mut state = state.lock().unwrap();
    state.answered += 1;
    let mode = state.mode.clone();
    let body = || wire::body_of(&real).unwrap_or_default().to_vec();
    match mode["mode"].as_str().unwrap_or("pass") {
        "fuzz" => {
            let method = request.method();
            let n = state.asked.entry(method.clone()).or_default();
            *n += 1;
            let mut rng = wire::rng_for(mode["seed"].as_u64().unwrap_or(0), &method, *n);
            Answer::Raw(wire::mutated(&real, &mut rng))
        }
        "trickle" => Answer::Trickle {
            body: body(),
            every: Duration::from_millis(mode["every_ms"].as_u64().unwrap_or(10)),
        },
        "pad" => {
            let size = mode["size"].as_u64().unwrap_or(0) as usize;
            let padded = wire::padded(&body(), size).unwrap_or_else(body);
            Answer::Raw(wire::ok(
                &padded,
                mode["content_length"].as_bool().unwrap_or(true),
            ))
        }
        _ => Answer::Shared(real),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let upstream = match args.as_slice() {
        [flag, at] if flag == "--upstream" => at.trim_start_matches("http://").to_socket_addrs(),
        _ => {
            eprintln!("usage: aflexi-wire --upstream HOST:PORT (the sandbox)");
            std::process::exit(2);
        }
    };
    let Some(upstream) = upstream.ok().and_then(|mut all| all.next()) else {
        eprintln!("aflexi-wire: cannot resolve the upstream address");
        std::process::exit(2);
    };
    let state = Arc::new(Mutex::new(State::default()));
    let server =
        Wire::start(move |request| respond(&state, upstream, request)).unwrap_or_else(|e| {
            eprintln!("aflexi-wire: cannot listen: {e}");
            std::process::exit(1);
        });
    println!("listening on {}", server.url(""));
    // Serves until killed (the test stops it with SIGTERM).
    loop {
        std::thread::park();
    }
}
