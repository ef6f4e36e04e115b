//! Answers recorded from the sandbox over HTTP, and the client operations that asked for them:
//! the material of the wire drills (`wire_limits.rs`, `wire_fuzz.rs`).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aflexi_core::client::{BlockingClient, ClientConfig, NewPublisher};
use aflexi_core::{Error, Secret};
use aflexi_sandbox::wire::{forward, Answer, Wire};
use aflexi_sandbox::{FaultKind, Sandbox};

use crate::common::*;

/// A client operation whose answers are recorded and replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `verify_credentials`.
    Verify,
    /// `list_publishers` (listPublishers).
    ListPublishers,
    /// `list_packages`.
    ListPackages,
    /// `find_publisher` of an existing publisher.
    FindPublisher,
    /// `bandwidth_usage` (getSummaries on the stats endpoint).
    Usage,
    /// `create_publisher` (user.create and the calls around it).
    Create,
}

impl Op {
    /// Every operation.
    pub const ALL: [Op; 6] = [
        Op::Verify,
        Op::ListPublishers,
        Op::ListPackages,
        Op::FindPublisher,
        Op::Usage,
        Op::Create,
    ];

    /// Runs the operation once; only whether it failed, and how, matters to the drills.
    pub fn run(self, c: &BlockingClient) -> Result<(), Error> {
        match self {
            Op::Verify => c.run(|c| c.verify_credentials()).map(drop),
            Op::ListPublishers => c.run(|c| c.list_publishers()).map(drop),
            Op::ListPackages => c.run(|c| c.list_packages()).map(drop),
            Op::FindPublisher => c.run(|c| c.find_publisher("wire_1")).map(drop),
            Op::Usage => c.run(|c| c.bandwidth_usage(2026, 2)).map(drop),
            Op::Create => c
                .run(|c| async move { c.create_publisher(&publisher("wire_new")).await })
                .map(drop),
        }
    }
}

pub fn publisher(username: &str) -> NewPublisher {
    NewPublisher {
        username: username.to_string(),
        email: format!("{username}@example.com"),
        name: format!("Client {username}"),
        password: Secret::new("Initial-Pass-123"),
        package: "Gold".to_string(),
    }
}

/// The answers one operation got, by XML-RPC method (sorted, so replays are repeatable), in
/// the order they came.
pub type Answers = BTreeMap<String, Vec<Vec<u8>>>;

/// A client of the server at `wire` with the sandbox's credentials and short limits.
pub fn client_of(wire: &Wire, tune: impl FnOnce(&mut ClientConfig)) -> BlockingClient {
    let mut c = ClientConfig::new(wire.url("/core/xmlrpc"), OPERATOR, AUTH_KEY).unwrap();
    c.read_retries = 1;
    c.connect_timeout = std::time::Duration::from_secs(2);
    c.request_timeout = std::time::Duration::from_secs(5);
    c.retry_backoff = std::time::Duration::from_millis(1);
    tune(&mut c);
    BlockingClient::new(c).unwrap()
}

/// Runs `op` through a recording proxy in front of `sb` and returns the answers it got
/// (whole HTTP answers, headers included) and its outcome.
pub fn record(sb: &Sandbox, op: Op) -> (Answers, Result<(), Error>) {
    record_as(sb, op, AUTH_KEY)
}

/// [`record`] with the given auth key.
pub fn record_as(sb: &Sandbox, op: Op, auth_key: &'static str) -> (Answers, Result<(), Error>) {
    let upstream = sb.addr();
    let answers: Arc<Mutex<Answers>> = Arc::default();
    let wire = {
        let answers = Arc::clone(&answers);
        Wire::start(move |request| {
            let answer = forward(upstream, request).expect("the sandbox answers");
            let mut answers = answers.lock().unwrap();
            answers
                .entry(request.method())
                .or_default()
                .push(answer.clone());
            Answer::Raw(answer)
        })
        .unwrap()
    };
    let outcome = op.run(&client_of(&wire, |c| {
        c.auth_key = Secret::new(auth_key);
        c.read_retries = 0;
    }));
    drop(wire);
    let answers = answers.lock().unwrap().clone();
    (answers, outcome)
}

/// Real answers of every operation from a sandbox holding a few publishers with usage, then
/// the same operations answered with an XML-RPC fault, and refused credentials: the corpus of
/// the wire fuzzing.
pub fn corpus() -> Vec<(Op, Answers)> {
    let sb = sandbox();
    let c = client(&sb);
    for name in ["wire_1", "wire_2", "wire_3"] {
        c.run(|c| async move { c.create_publisher(&publisher(name)).await })
            .unwrap();
    }
    let mut corpus = Vec::new();
    for op in Op::ALL {
        let (answers, outcome) = record(&sb, op);
        outcome.unwrap_or_else(|e| panic!("{op:?} against the sandbox: {e}"));
        corpus.push((op, answers));
    }
    sb.set_faults(
        1.0,
        &[FaultKind::Fault, FaultKind::Malformed, FaultKind::Http500],
    );
    for op in Op::ALL {
        let (answers, outcome) = record(&sb, op);
        assert!(outcome.is_err(), "{op:?} under faults");
        corpus.push((op, answers));
    }
    sb.set_faults(0.0, &[]);
    let (answers, outcome) = record_as(&sb, Op::Verify, "a-wrong-key");
    assert_eq!(outcome.unwrap_err().kind(), "authentication");
    corpus.push((Op::Verify, answers));
    corpus
}
