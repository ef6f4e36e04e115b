//! The fault drill of docs/RELIABILITY.md: a bulk sync against a sandbox that fails a share
//! of the calls, repeated until Aflexi matches WHMCS, then checked for duplicates.
//!
//! `cargo run --release -p aflexi-bench --bin fault-drill -- [--publishers N] [--rates 0.1,0.3]
//!  [--kinds http500,reset,timeout,malformed,fault] [--hang-ms MS] [--request-timeout-ms MS]
//!  [--max-runs K]`
//!
//! For each rate: a fresh sandbox state, then sync runs with faults on until the sandbox
//! holds every publisher ACTIVE on its package (or `--max-runs`), then one run with faults off
//! that must write nothing. Duplicates are counted on the sandbox itself: publishers,
//! distinct usernames and links against N. Exits non-zero if a rate does not converge or
//! anything is duplicated or missing.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aflexi_core::client::{BlockingClient, ClientConfig};
use aflexi_core::sync::{self, DesiredPublisher, Options};
use aflexi_sandbox::{Config, FaultKind, Sandbox};

const OPERATOR: &str = "drill";
const KEY: &str = "drill-auth-key";
const PACKAGE: &str = "Drill Package";

struct Args {
    publishers: usize,
    rates: Vec<f64>,
    kinds: Vec<FaultKind>,
    hang_ms: u64,
    request_timeout_ms: u64,
    max_runs: usize,
}

fn args() -> Args {
    let mut a = Args {
        publishers: 2_000,
        rates: vec![0.10, 0.30],
        kinds: FaultKind::ALL.to_vec(),
        hang_ms: 1_500,
        request_timeout_ms: 1_000,
        max_runs: 10,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let value = argv.next().unwrap_or_default();
        let bad = || -> ! {
            eprintln!("bad value {value:?} for {flag}");
            std::process::exit(2)
        };
        let number = || value.parse::<u64>().unwrap_or_else(|_| bad());
        match flag.as_str() {
            "--publishers" => a.publishers = number() as usize,
            "--hang-ms" => a.hang_ms = number(),
            "--request-timeout-ms" => a.request_timeout_ms = number(),
            "--max-runs" => a.max_runs = number() as usize,
            "--rates" => {
                a.rates = value
                    .split(',')
                    .map(|r| r.trim().parse::<f64>().unwrap_or_else(|_| bad()))
                    .collect()
            }
            "--kinds" => a.kinds = FaultKind::parse_list(&value).unwrap_or_else(|_| bad()),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    a
}

fn desired(n: usize) -> Vec<DesiredPublisher> {
    aflexi_bench::desired(n, "drill", PACKAGE)
}

/// What the sandbox holds: publishers, distinct usernames, links, and links ACTIVE on the
/// drill package.
struct Census {
    publishers: usize,
    usernames: usize,
    links: usize,
    right: usize,
}

fn census(sb: &Sandbox) -> Census {
    let state = sb.state();
    let list = |key: &str| state[key].as_array().cloned().unwrap_or_default();
    let publishers = list("publishers");
    let package_ids: BTreeSet<i64> = list("packages")
        .iter()
        .filter(|p| p["name"] == PACKAGE)
        .filter_map(|p| p["id"].as_i64())
        .collect();
    let usernames: BTreeSet<String> = publishers
        .iter()
        .filter_map(|p| p["username"].as_str().map(str::to_lowercase))
        .collect();
    let links = list("links");
    let right = links
        .iter()
        .filter(|l| l["status"] == "ACTIVE")
        .filter(|l| {
            l["package"]
                .as_i64()
                .is_some_and(|id| package_ids.contains(&id))
        })
        .count();
    Census {
        publishers: publishers.len(),
        usernames: usernames.len(),
        links: links.len(),
        right,
    }
}

fn sync_once(c: &BlockingClient, n: usize) -> Result<sync::Report, String> {
    c.run_shared(Duration::from_secs(3600), |client| async move {
        sync::sync(client, desired(n), &Options::default()).await
    })
    .map_err(|e| e.to_string())
}

/// One rate: runs until converged; true when it converged with nothing duplicated.
fn drill(sb: &Sandbox, a: &Args, rate: f64) -> bool {
    let n = a.publishers;
    sb.reset();
    sb.set_hang_ms(a.hang_ms);
    sb.set_faults(rate, &a.kinds);
    let mut config = ClientConfig::new(sb.core_url(), OPERATOR, KEY).expect("config");
    config.request_timeout = Duration::from_millis(a.request_timeout_ms);
    let c = BlockingClient::new(config).expect("client");
    let kinds: Vec<&str> = a.kinds.iter().map(|k| k.name()).collect();
    println!(
        "\n### {n} publishers, fault rate {:.0} %, kinds {}, hang {} ms, request timeout {} ms\n",
        rate * 100.0,
        kinds.join(","),
        a.hang_ms,
        a.request_timeout_ms
    );
    println!("| run | outcome | API calls | wall time | ACTIVE on package |");
    println!("|---|---|---|---|---|");
    let mut converged_at = None;
    for run in 1..=a.max_runs {
        sb.reset_calls();
        let started = Instant::now();
        let outcome = match sync_once(&c, n) {
            Ok(report) => format!("{:?}", report.counts),
            Err(e) => format!("the run failed: {e}"),
        };
        let calls = sb.calls().get("total").copied().unwrap_or(0);
        let now = census(sb);
        println!(
            "| {run} | {outcome} | {calls} | {:.2} s | {} |",
            started.elapsed().as_secs_f64(),
            now.right
        );
        if now.right == n {
            converged_at = Some(run);
            break;
        }
    }
    sb.set_faults(0.0, &[]);
    let writes_before = sb.writes();
    let check = sync_once(&c, n);
    let check_writes = sb.writes() - writes_before;
    let unchanged = check
        .as_ref()
        .ok()
        .and_then(|r| r.counts.get("unchanged").copied())
        .unwrap_or(0);
    let end = census(sb);
    println!(
        "\nConverged after **{}** run(s) with faults on. Check run with faults off: {unchanged} \
         unchanged, {check_writes} writes. On the sandbox: {} publishers, {} distinct usernames, \
         {} links for {n} wanted: duplicates **{}**, missing **{}**.",
        converged_at.map_or("no (max runs reached)".to_string(), |r| r.to_string()),
        end.publishers,
        end.usernames,
        end.links,
        end.publishers.saturating_sub(n) + end.links.saturating_sub(n),
        n.saturating_sub(end.right),
    );
    converged_at.is_some()
        && unchanged == n
        && check_writes == 0
        && end.publishers == n
        && end.usernames == n
        && end.links == n
        && end.right == n
}

fn main() {
    let a = args();
    let sb = Sandbox::start(Config {
        operators: vec![(OPERATOR.into(), KEY.into())],
        ..Config::default()
    })
    .expect("sandbox");
    println!("## Fault drill: bulk sync until Aflexi matches");
    let mut ok = true;
    for &rate in &a.rates {
        ok &= drill(&sb, &a, rate);
    }
    if !ok {
        eprintln!(
            "fault drill FAILED: a rate did not converge, or something is duplicated or missing"
        );
        std::process::exit(1);
    }
}
