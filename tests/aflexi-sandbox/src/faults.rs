//! Fault injection: the failures a client of the real API had to survive, on demand.
//!
//! With probability `fault_rate` an XML-RPC request (on `/core` or `/stats`, never on the
//! `/_sandbox` controls) fails in one of the enabled [`FaultKind`]s, chosen uniformly. For
//! the transport kinds a second coin decides whether the call was **applied before** the
//! failure (the response is lost: the ambiguous case a client must resolve by reading back)
//! or not applied at all. An injected `fault` is never applied. All draws come from one
//! `StdRng` seeded with `seed`, so a sequential run is repeatable.

use std::fmt;
use std::str::FromStr;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// One way of failing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// HTTP 500 with a small HTML body.
    Http500,
    /// The connection is dropped without a response.
    Reset,
    /// Nothing happens for `hang_ms`, then the connection is dropped.
    Timeout,
    /// HTTP 200 with a truncated XML body.
    Malformed,
    /// An XML-RPC fault 500 "injected internal error" (never applied).
    Fault,
}

impl FaultKind {
    /// Every kind, in the order of the command-line names.
    pub const ALL: [FaultKind; 5] = [
        FaultKind::Http500,
        FaultKind::Reset,
        FaultKind::Timeout,
        FaultKind::Malformed,
        FaultKind::Fault,
    ];

    /// The command-line and JSON name.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Http500 => "http500",
            FaultKind::Reset => "reset",
            FaultKind::Timeout => "timeout",
            FaultKind::Malformed => "malformed",
            FaultKind::Fault => "fault",
        }
    }

    /// Parses a comma-separated list such as `http500,reset`.
    pub fn parse_list(text: &str) -> Result<Vec<FaultKind>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect()
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for FaultKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown fault kind {s:?} (expected http500, reset, timeout, malformed or fault)")
            })
    }
}

/// What to do to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Injection {
    /// How it fails.
    pub kind: FaultKind,
    /// Whether the call is carried out before the failure.
    pub applied: bool,
}

/// The seeded source of injection decisions.
#[derive(Debug)]
pub struct Injector {
    rng: StdRng,
}

impl Injector {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Injector {
        Injector {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// Decides the fate of one request. Draws nothing when the rate is 0 or no kind is
    /// enabled.
    pub fn decide(&mut self, rate: f64, kinds: &[FaultKind]) -> Option<Injection> {
        if rate.is_nan() || rate <= 0.0 || kinds.is_empty() {
            return None;
        }
        if self.rng.random::<f64>() >= rate {
            return None;
        }
        let kind = kinds[self.rng.random_range(0..kinds.len())];
        let applied = kind != FaultKind::Fault && self.rng.random_bool(0.5);
        Some(Injection { kind, applied })
    }
}

/// The body of an injected HTTP 500.
pub const HTTP500_BODY: &str =
    "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n";

/// A response body cut in the middle, so that no XML parser accepts it.
pub fn truncate_xml(body: &str) -> String {
    let mut cut = body.len() / 2;
    while cut > 0 && !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let prefix = &body[..cut];
    // A short document cut in half could still end at a tag boundary; make sure it does not.
    format!("{prefix}<value><str")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_their_names() {
        assert_eq!(
            FaultKind::parse_list("http500, reset,fault").unwrap(),
            vec![FaultKind::Http500, FaultKind::Reset, FaultKind::Fault]
        );
        assert!(FaultKind::parse_list("boom").is_err());
    }

    #[test]
    fn decisions_repeat_with_the_seed_and_follow_the_rate() {
        let draw = |seed| {
            let mut inj = Injector::new(seed);
            (0..1000)
                .map(|_| inj.decide(0.3, &FaultKind::ALL))
                .collect::<Vec<_>>()
        };
        let a = draw(9);
        assert_eq!(a, draw(9));
        assert_ne!(a, draw(10));
        let hits = a.iter().flatten().count();
        assert!((200..400).contains(&hits), "{hits}");
        assert!(a
            .iter()
            .flatten()
            .all(|i| i.kind != FaultKind::Fault || !i.applied));
        assert!(a.iter().flatten().any(|i| i.applied));
    }

    #[test]
    fn no_rate_no_fault() {
        let mut inj = Injector::new(1);
        assert!((0..100).all(|_| inj.decide(0.0, &FaultKind::ALL).is_none()));
        assert!(inj.decide(1.0, &[]).is_none());
        assert!(inj.decide(f64::NAN, &FaultKind::ALL).is_none());
        assert!(inj.decide(1.0, &[FaultKind::Reset]).is_some());
    }

    #[test]
    fn truncated_bodies_are_not_complete_documents() {
        let body = "<?xml version=\"1.0\"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>";
        let cut = truncate_xml(body);
        assert!(!cut.contains("</methodResponse>"));
    }
}
