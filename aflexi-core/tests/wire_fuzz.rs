//! Fuzzing over the wire (docs/RELIABILITY.md (j)): real answers recorded from the sandbox
//! (listings, getSummaries, user.create and the calls around it, faults, refused credentials)
//! are mutated byte by byte and structurally, then served over loopback HTTP to the client's
//! operations. Every case must end without a panic and without a hang, in success or in an
//! error whose kind says the answer was bad; never a kind that claims nothing was sent, and
//! never a timeout (the server always answers and closes at once, so a timeout is a hang).
//!
//! Seeded and deterministic: `AFLEXI_WIRE_FUZZ_CASES` cases (300 in `make test`, more in
//! `make drill`) from `AFLEXI_WIRE_FUZZ_SEED`.

mod common;
mod recorded;

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aflexi_sandbox::wire::{Answer, Wire};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use recorded::*;

/// What a mutated answer may fail with: the server reached us and answered something wrong.
const ALLOWED: [&str; 8] = [
    "authentication",
    "fault",
    "not_found",
    "http_status",
    "io",
    "too_large",
    "redirect",
    "protocol",
];

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Bytes a mutation likes to write: markup, digits, signs, line ends, NUL, invalid UTF-8.
const INTERESTING: &[u8] = b"<>/&;\"'0123456789-+.eE \r\n\t\0\xff\xc3";
/// XML-RPC tags a structural mutation swaps for one another.
const TAGS: [&str; 12] = [
    "int", "i4", "i8", "string", "struct", "array", "boolean", "double", "member", "name", "value",
    "data",
];

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// One random mutation of `bytes`, in place.
fn mutate(bytes: &mut Vec<u8>, rng: &mut StdRng) {
    let len = bytes.len().max(1);
    let at = rng.random_range(0..len).min(bytes.len());
    match rng.random_range(0..9) {
        0 if !bytes.is_empty() => {
            let i = rng.random_range(0..bytes.len());
            bytes[i] ^= 1 << rng.random_range(0..8);
        }
        1 if !bytes.is_empty() => {
            let i = rng.random_range(0..bytes.len());
            bytes[i] = INTERESTING[rng.random_range(0..INTERESTING.len())];
        }
        2 => {
            let end = (at + rng.random_range(1..64)).min(bytes.len());
            bytes.drain(at..end);
        }
        3 => {
            let end = (at + rng.random_range(1..256)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let times = rng.random_range(1..4);
            for _ in 0..times {
                bytes.splice(at..at, copy.iter().copied());
            }
        }
        4 => bytes.truncate(at),
        5 => {
            let n = rng.random_range(1..16);
            let noise: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            bytes.splice(at..at, noise);
        }
        6 => {
            // A number in the headers or the body becomes huge, negative or empty.
            let digits = bytes[at..].iter().position(u8::is_ascii_digit);
            if let Some(start) = digits.map(|d| d + at) {
                let end = bytes[start..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(bytes.len(), |e| e + start);
                let with: &[u8] = [&b"99999999999999999999999"[..], b"-1", b"", b"0", b"1e309"]
                    [rng.random_range(0..5)];
                bytes.splice(start..end, with.iter().copied());
            }
        }
        7 => {
            // One element's tag pair becomes another type: a well-formed answer of the wrong
            // shape.
            let from = TAGS[rng.random_range(0..TAGS.len())];
            let to = TAGS[rng.random_range(0..TAGS.len())];
            let open = format!("<{from}>");
            let close = format!("</{from}>");
            if let Some(o) =
                find(bytes, open.as_bytes(), at).or_else(|| find(bytes, open.as_bytes(), 0))
            {
                bytes.splice(o..o + open.len(), format!("<{to}>").into_bytes());
                if let Some(c) = find(bytes, close.as_bytes(), o) {
                    bytes.splice(c..c + close.len(), format!("</{to}>").into_bytes());
                }
            }
        }
        _ => {
            // An element and its content, removed whole.
            let tag = TAGS[rng.random_range(0..TAGS.len())];
            let open = format!("<{tag}>");
            let close = format!("</{tag}>");
            if let Some(o) = find(bytes, open.as_bytes(), at) {
                if let Some(c) = find(bytes, close.as_bytes(), o) {
                    bytes.drain(o..c + close.len());
                }
            }
        }
    }
}

/// The case being played: which recorded answers, its seed, and how many times each method
/// was answered.
struct Case {
    answers: Answers,
    seed: u64,
    asked: HashMap<String, u64>,
}

impl Case {
    /// The random source of the `n`-th answer to `method`: an operation may make calls at
    /// once, so their order of arrival must not change what each gets.
    fn rng_for(&mut self, method: &str) -> StdRng {
        let n = self.asked.entry(method.to_string()).or_default();
        *n += 1;
        let name = method.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        StdRng::seed_from_u64(self.seed ^ name ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }
}

fn answer(case: &Mutex<Option<Case>>, method: &str) -> Vec<u8> {
    let mut guard = case.lock().unwrap();
    let case = guard.as_mut().expect("a case is being played");
    let mut rng = case.rng_for(method);
    let all: Vec<&Vec<u8>> = match case.answers.get(method) {
        Some(found) => found.iter().collect(),
        // The mutated answers led the client to a call this operation did not make when
        // recorded: any of its answers will do.
        None => case.answers.values().flatten().collect(),
    };
    let mut bytes = all[rng.random_range(0..all.len())].clone();
    // One answer in eight goes through unchanged, so later calls of an operation are reached.
    if rng.random_range(0..8) != 0 {
        for _ in 0..rng.random_range(1..4) {
            mutate(&mut bytes, &mut rng);
        }
    }
    // The server closes after each answer; saying so keeps the client from reusing the
    // connection, which would make a case's outcome depend on when it noticed the close.
    if let Some(line_end) = find(&bytes, b"\r\n", 0) {
        bytes.splice(
            line_end + 2..line_end + 2,
            b"Connection: close\r\n".iter().copied(),
        );
    }
    bytes
}

/// Plays cases `first..first + count` of `seed` and returns each one's outcome (`ok`, an
/// error kind, or `panic`), with a line for each that broke the rules.
fn play(
    corpus: &[(Op, Answers)],
    seed: u64,
    cases: std::ops::Range<u64>,
) -> (Vec<&'static str>, Vec<String>) {
    let playing: Arc<Mutex<Option<Case>>> = Arc::default();
    let wire = {
        let playing = Arc::clone(&playing);
        Wire::start(move |request| Answer::Raw(answer(&playing, &request.method()))).unwrap()
    };
    let client = client_of(&wire, |c| {
        c.request_timeout = Duration::from_secs(5);
        c.operation_timeout = Duration::from_secs(60);
    });
    let mut outcomes = Vec::new();
    let mut wrong = Vec::new();
    for n in cases {
        let case_seed = seed.wrapping_add(n);
        let mut rng = StdRng::seed_from_u64(case_seed);
        let (op, answers) = &corpus[rng.random_range(0..corpus.len())];
        *playing.lock().unwrap() = Some(Case {
            answers: answers.clone(),
            seed: rng.random(),
            asked: HashMap::new(),
        });
        let outcome = match catch_unwind(AssertUnwindSafe(|| op.run(&client))) {
            Ok(Ok(())) => "ok",
            Ok(Err(e)) if ALLOWED.contains(&e.kind()) => e.kind(),
            Ok(Err(e)) => {
                wrong.push(format!("seed {case_seed} {op:?}: {} {e}", e.kind()));
                e.kind()
            }
            Err(_) => {
                wrong.push(format!("seed {case_seed} {op:?}: panicked"));
                "panic"
            }
        };
        outcomes.push(outcome);
    }
    (outcomes, wrong)
}

#[test]
fn mutated_real_answers_never_panic_hang_or_fail_with_an_unknown_kind() {
    let cases = env_or("AFLEXI_WIRE_FUZZ_CASES", 300);
    let seed = env_or("AFLEXI_WIRE_FUZZ_SEED", 20261203);
    let corpus = corpus();
    let (outcomes, wrong) = play(&corpus, seed, 0..cases);
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for outcome in &outcomes {
        *counts.entry(outcome).or_default() += 1;
    }
    eprintln!("wire fuzz: {cases} cases from seed {seed}: {counts:?}");
    assert!(wrong.is_empty(), "{wrong:#?}");
    // The drill reaches both sides: some answers survive, most are refused.
    assert!(counts.get("ok").copied().unwrap_or(0) > 0, "{counts:?}");
    assert!(
        counts.get("protocol").copied().unwrap_or(0) > 0,
        "{counts:?}"
    );
    // A seed replays the same cases: a finding can be reproduced from its seed.
    let again = play(&corpus, seed, 0..cases.min(50)).0;
    assert_eq!(again[..], outcomes[..again.len()]);
}
