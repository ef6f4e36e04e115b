//! Where a usage answer's time goes, in one process (docs/BENCHMARKS.md, "Concurrent usage
//! queries"): the sandbox producing and encoding a month of `stats.getSummaries` for 200
//! publishers, the XML-RPC decoder reading it into nothing (the parser alone), and into a JSON
//! tree.
//!
//!   cargo run --release -p aflexi-bench --bin usage-decode      (in `make bench`)

use std::borrow::Cow;
use std::time::{Duration, Instant};

use aflexi_core::xmlrpc::{self, Build};
use aflexi_sandbox::state::LinkStatus;
use aflexi_sandbox::{Config, Shared};
use serde_json::{json, Value};

const ROUNDS: u32 = 20;

/// A builder that makes nothing: what is left is the decoder's own reading.
struct Nothing;

impl Build for Nothing {
    type Value = ();
    type List = ();
    type Members = ();
    fn null(&mut self) {}
    fn boolean(&mut self, _: bool) {}
    fn int(&mut self, _: i64) {}
    fn double(&mut self, _: f64) {}
    fn string(&mut self, _: Cow<'_, str>) {}
    fn binary(&mut self, _: String) {}
    fn list(&mut self) {}
    fn push(&mut self, _: &mut (), _: ()) {}
    fn end_list(&mut self, _: ()) {}
    fn members(&mut self) {}
    fn insert(&mut self, _: &mut (), _: Cow<'_, str>, _: ()) {}
    fn end_members(&mut self, _: ()) {}
}

fn each(what: impl Fn()) -> Duration {
    let started = Instant::now();
    for _ in 0..ROUNDS {
        what();
    }
    started.elapsed() / ROUNDS
}

fn main() {
    let config = Config {
        operators: vec![("acme".into(), "key".into())],
        ..Config::default()
    };
    let sandbox = Shared::new(&config).expect("sandbox state");
    let (ids, _) = sandbox
        .seed_publishers("acme", 200, "gold", "p", LinkStatus::Active)
        .expect("publishers");
    let params = [
        json!("acme"),
        json!("key"),
        json!("groupByOperator"),
        json!({"summary": "DAILY", "type": "HTTP", "resultFormat": "DETAIL",
               "startDate": "2026-03-01", "endDate": "2026-03-31", "publisher": ids}),
    ];
    let answer = || -> Value {
        sandbox
            .execute("stats.getSummaries", &params)
            .expect("answer")
    };
    let body = xmlrpc::encode_response(&answer()).expect("encoded");
    let limit = 64 << 20;
    let produce = each(|| drop(xmlrpc::encode_response(&answer())));
    let parse = each(|| {
        drop(xmlrpc::decode_response_into(
            body.as_bytes(),
            limit,
            &mut Nothing,
        ))
    });
    let tree = each(|| drop(xmlrpc::decode_response(body.as_bytes(), limit)));
    println!(
        "## One usage answer: a month of daily figures for 200 publishers, {:.1} MB\n",
        body.len() as f64 / 1e6
    );
    println!("| step (mean of {ROUNDS}) | time |\n|---|---|");
    println!(
        "| the sandbox produces and encodes it | {:.1} ms |",
        produce.as_secs_f64() * 1e3
    );
    println!(
        "| the decoder reads it into nothing (the parser alone) | {:.1} ms |",
        parse.as_secs_f64() * 1e3
    );
    println!(
        "| the decoder reads it into a JSON tree | {:.1} ms |",
        tree.as_secs_f64() * 1e3
    );
}
