//! Slow and hostile answers under load (docs/RELIABILITY.md (i)): 16 calls at once against a
//! server that trickles its answers (slow-loris) or answers near the size limit. Each call ends
//! with the error its limit gives, never a hang: the trickled answers would complete in a few
//! seconds if the limit did not hold, so a limit that fails turns the error into a success.

mod common;
mod recorded;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use aflexi_core::client::{BlockingClient, ClientConfig};
use aflexi_core::Error;
use aflexi_sandbox::wire::{body_of, ok, padded, Answer, Wire};
use common::*;
use recorded::*;

/// Calls at once: the default concurrency of bulk work and a busy PHP-FPM pool.
const CALLS: usize = 16;

/// The real answers `op` gets from the sandbox, bodies only, by method.
fn real_bodies(op: Op) -> std::collections::HashMap<String, Vec<u8>> {
    let sb = sandbox();
    let c = client(&sb);
    c.run(|c| async move { c.create_publisher(&publisher("wire_1")).await })
        .unwrap();
    let (answers, outcome) = record(&sb, op);
    outcome.unwrap();
    answers
        .into_iter()
        .map(|(method, all)| (method, body_of(&all[0]).expect("an HTTP answer").to_vec()))
        .collect()
}

/// Runs `op` from `CALLS` threads at once, each with its own client of `wire`.
fn at_once(wire: &Arc<Wire>, op: Op, tune: fn(&mut ClientConfig)) -> Vec<Result<(), Error>> {
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            let wire = Arc::clone(wire);
            thread::spawn(move || {
                let client: BlockingClient = client_of(&wire, tune);
                op.run(&client)
            })
        })
        .collect();
    calls.into_iter().map(|t| t.join().unwrap()).collect()
}

fn kinds(results: &[Result<(), Error>]) -> Vec<&'static str> {
    results
        .iter()
        .map(|r| r.as_ref().map_or_else(Error::kind, |()| "ok"))
        .collect()
}

/// A server that trickles the real answer of each call, one byte every 10 ms (a few seconds
/// for a whole answer).
fn trickling(op: Op) -> Arc<Wire> {
    let bodies = real_bodies(op);
    Arc::new(
        Wire::start(move |request| Answer::Trickle {
            body: bodies[&request.method()].clone(),
            every: Duration::from_millis(10),
        })
        .unwrap(),
    )
}

#[test]
fn sixteen_slow_loris_answers_are_ended_by_the_request_timeout() {
    let wire = trickling(Op::Verify);
    let results = at_once(&wire, Op::Verify, |c| {
        c.request_timeout = Duration::from_millis(300);
        c.read_retries = 0;
    });
    assert_eq!(kinds(&results), vec!["timeout"; CALLS]);
}

#[test]
fn sixteen_slow_loris_answers_are_ended_by_the_operation_timeout_despite_retries() {
    let wire = trickling(Op::ListPublishers);
    let results = at_once(&wire, Op::ListPublishers, |c| {
        c.request_timeout = Duration::from_secs(60);
        c.read_retries = 5;
        c.operation_timeout = Duration::from_millis(500);
    });
    assert_eq!(kinds(&results), vec!["timeout"; CALLS]);
}

const LIMIT: usize = 1024 * 1024;

fn near_limit(size: usize, content_length: bool) -> Arc<Wire> {
    let bodies = real_bodies(Op::FindPublisher);
    Arc::new(
        Wire::start(move |request| {
            Answer::Raw(ok(
                &padded(&bodies[&request.method()], size).expect("a methodResponse"),
                content_length,
            ))
        })
        .unwrap(),
    )
}

fn with_limit(c: &mut ClientConfig) {
    c.max_response_bytes = LIMIT;
}

#[test]
fn sixteen_answers_of_exactly_the_size_limit_are_read() {
    for content_length in [true, false] {
        let wire = near_limit(LIMIT, content_length);
        let results = at_once(&wire, Op::FindPublisher, with_limit);
        assert_eq!(
            kinds(&results),
            vec!["ok"; CALLS],
            "{content_length} {:?}",
            results[0]
        );
    }
}

#[test]
fn sixteen_answers_one_byte_over_the_size_limit_are_too_large_and_not_repeated() {
    // Without a Content-Length the client finds out while reading; with one, before.
    for content_length in [true, false] {
        let wire = near_limit(LIMIT + 1, content_length);
        let results = at_once(&wire, Op::FindPublisher, |c| {
            with_limit(c);
            c.read_retries = 5;
        });
        assert_eq!(
            kinds(&results),
            vec!["too_large"; CALLS],
            "{content_length}"
        );
    }
}

/// This process's peak resident memory so far, in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The memory drill of `make drill` (docs/RELIABILITY.md (i)): 16 calls at once get answers
/// at the default 16 MiB limit, then over it without a Content-Length, then trickled; prints
/// the growth of the peak RSS after each. Run alone and in release:
/// `cargo test --release -p aflexi-core --test wire_limits -- --ignored --nocapture`.
#[test]
#[ignore = "a drill: run by make drill"]
fn memory_drill_sixteen_answers_at_the_default_limit() {
    let limit = aflexi_core::defaults::MAX_RESPONSE_BYTES;
    let bodies = real_bodies(Op::FindPublisher);
    let start = peak_rss_kib();
    let mut report = vec![format!("start: peak RSS {} MiB", start / 1024)];
    for (what, size, content_length, expected) in [
        ("exactly the limit", limit, true, "ok"),
        (
            "one byte over, no Content-Length",
            limit + 1,
            false,
            "too_large",
        ),
    ] {
        // One copy of the answer, shared by the 16 connections: 16 MiB of the peak is it.
        let answers: std::collections::HashMap<String, Arc<Vec<u8>>> = bodies
            .iter()
            .map(|(m, b)| {
                (
                    m.clone(),
                    Arc::new(ok(
                        &padded(b, size).expect("a methodResponse"),
                        content_length,
                    )),
                )
            })
            .collect();
        let wire = Arc::new(
            Wire::start(move |r| Answer::Shared(Arc::clone(&answers[&r.method()]))).unwrap(),
        );
        let results = at_once(&wire, Op::FindPublisher, |_| {});
        assert_eq!(kinds(&results), vec![expected; CALLS], "{what}");
        report.push(format!(
            "{what}: 16 x {expected}, peak RSS {} MiB (+{} MiB)",
            peak_rss_kib() / 1024,
            (peak_rss_kib() - start) / 1024
        ));
    }
    let wire = trickling(Op::Verify);
    let results = at_once(&wire, Op::Verify, |c| {
        c.request_timeout = Duration::from_millis(300);
    });
    assert_eq!(kinds(&results), vec!["timeout"; CALLS]);
    report.push(format!(
        "trickled: 16 x timeout, peak RSS {} MiB",
        peak_rss_kib() / 1024
    ));
    eprintln!("memory drill:\n  {}", report.join("\n  "));
}
