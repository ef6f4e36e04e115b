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

use aflexi_sandbox::wire::{self, Answer, Wire};
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
        wire::rng_for(self.seed, method, *n)
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
    let chosen = all[rng.random_range(0..all.len())];
    wire::mutated(chosen, &mut rng)
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
