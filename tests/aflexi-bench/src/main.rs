//! Benchmarks of the core against the sandbox, printed as Markdown for docs/BENCHMARKS.md.
//!
//! `cargo run --release -p aflexi-bench -- [--publishers N] [--latency-ms MS] [--quick]`
//!
//! * bulk sync of N new publishers at the given sandbox latency, concurrency 16 versus 1,
//!   in the same run, against the bound N_calls x RTT / C;
//! * the writes of a repeated sync (target 0);
//! * API calls per single operation, cold and with the operator and package cached.
//!
//! `--quick` runs small sizes, so CI proves the benchmark still works without timing it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aflexi_core::client::{BlockingClient, Client, ClientConfig, NewPublisher};
use aflexi_core::sync::{self, DesiredPublisher, Options, Report};
use aflexi_core::Secret;
use aflexi_sandbox::{Config, Sandbox};

const OPERATOR: &str = "bench";
const KEY: &str = "bench-auth-key";

struct Args {
    publishers: usize,
    latency_ms: u64,
}

fn args() -> Args {
    let mut a = Args {
        publishers: 10_000,
        latency_ms: 20,
    };
    let mut argv = std::env::args().skip(1);
    while let Some(flag) = argv.next() {
        let mut number = || argv.next().and_then(|v| v.parse::<u64>().ok());
        match flag.as_str() {
            "--publishers" => a.publishers = number().unwrap_or(10_000) as usize,
            "--latency-ms" => a.latency_ms = number().unwrap_or(20),
            "--quick" => {
                a.publishers = 200;
                a.latency_ms = 5;
            }
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    a
}

fn desired(n: usize) -> Vec<DesiredPublisher> {
    aflexi_bench::desired(n, "user", "Bench Package")
}

fn client(sb: &Sandbox, concurrency: usize) -> BlockingClient {
    let mut c = ClientConfig::new(sb.core_url(), OPERATOR, KEY).expect("config");
    c.concurrency = concurrency;
    c.request_timeout = Duration::from_secs(30);
    BlockingClient::new(c).expect("client")
}

fn timed_sync(sb: &Sandbox, n: usize, concurrency: usize) -> (Duration, u64, Report) {
    sb.reset();
    let c = client(sb, concurrency);
    c.run(|c| c.operator()).expect("operator");
    sb.reset_calls();
    let options = Options {
        concurrency,
        time_budget: None,
    };
    let want = desired(n);
    let started = Instant::now();
    let report = c
        .run_shared(
            Duration::from_secs(3600),
            |client: Arc<Client>| async move { sync::sync(client, want, &options).await },
        )
        .expect("sync");
    let elapsed = started.elapsed();
    let calls = sb.calls().get("total").copied().unwrap_or(0);
    (elapsed, calls, report)
}

fn calls_of(sb: &Sandbox, op: impl FnOnce()) -> u64 {
    sb.reset_calls();
    op();
    sb.calls().get("total").copied().unwrap_or(0)
}

fn single_operations(sb: &Sandbox) {
    sb.reset();
    sb.set_latency_ms(0);
    println!("\n### API calls per single operation\n");
    println!("| operation | cold process (nothing cached) | operator and package cached |");
    println!("|---|---|---|");
    let new = |name: &str, package: &str| NewPublisher {
        username: name.into(),
        email: format!("{name}@example.com"),
        name: name.into(),
        password: Secret::new("Bench-Pass-123"),
        package: package.into(),
    };
    // A fresh endpoint string per "cold" client defeats the process-wide caches.
    let cold = |tag: &str| {
        let url = format!("{}?cold={tag}", sb.core_url());
        BlockingClient::new(ClientConfig::new(url, OPERATOR, KEY).expect("config")).expect("client")
    };
    let warm = client(sb, 16);
    warm.run(|c| c.ensure_package("Gold")).expect("package");
    warm.run(|c| c.ensure_package("Silver")).expect("package");
    let a = warm
        .run(|c| async move { c.create_publisher(&new("warm0", "Gold")).await })
        .expect("create")
        .publisher;

    let rows: Vec<(&str, u64, u64)> = vec![
        (
            "CreateAccount (create_publisher)",
            calls_of(sb, || {
                cold("c1")
                    .run(|c| async move { c.create_publisher(&new("cold1", "Gold")).await })
                    .expect("create");
            }),
            calls_of(sb, || {
                warm.run(|c| async move { c.create_publisher(&new("warm1", "Gold")).await })
                    .expect("create");
            }),
        ),
        (
            "SuspendAccount (suspend)",
            calls_of(sb, || {
                cold("c2").run(|c| c.suspend(a.id)).expect("suspend");
            }),
            {
                warm.run(|c| c.activate(a.id)).expect("activate");
                calls_of(sb, || {
                    warm.run(|c| c.suspend(a.id)).expect("suspend");
                })
            },
        ),
        (
            "UnsuspendAccount (activate)",
            calls_of(sb, || {
                cold("c3").run(|c| c.activate(a.id)).expect("activate");
            }),
            {
                warm.run(|c| c.suspend(a.id)).expect("suspend");
                calls_of(sb, || {
                    warm.run(|c| c.activate(a.id)).expect("activate");
                })
            },
        ),
        (
            "ChangePackage (change_package)",
            calls_of(sb, || {
                cold("c4")
                    .run(|c| c.change_package(a.id, "Silver"))
                    .expect("change");
            }),
            calls_of(sb, || {
                warm.run(|c| c.change_package(a.id, "Gold"))
                    .expect("change");
            }),
        ),
        (
            "ChangePassword (change_password)",
            calls_of(sb, || {
                cold("c5").run(|c| async move { c.change_password(a.id, &Secret::new("Other-Pass-1")).await }).expect("pw");
            }),
            calls_of(sb, || {
                warm.run(
                    |c| async move { c.change_password(a.id, &Secret::new("Other-Pass-2")).await },
                )
                .expect("pw");
            }),
        ),
        (
            "TerminateAccount (terminate)",
            calls_of(sb, || {
                let p = warm
                    .run(|c| async move { c.create_publisher(&new("term1", "Gold")).await })
                    .expect("create")
                    .publisher;
                sb.reset_calls();
                cold("c6").run(|c| c.terminate(p.id)).expect("terminate");
            }),
            {
                let p = warm
                    .run(|c| async move { c.create_publisher(&new("term2", "Gold")).await })
                    .expect("create")
                    .publisher;
                calls_of(sb, || {
                    warm.run(|c| c.terminate(p.id)).expect("terminate");
                })
            },
        ),
    ];
    for (name, cold, warm) in rows {
        println!("| {name} | {cold} | {warm} |");
    }
}

fn main() {
    let a = args();
    let sb = Sandbox::start(Config {
        operators: vec![(OPERATOR.into(), KEY.into())],
        latency_ms: a.latency_ms,
        ..Config::default()
    })
    .expect("sandbox");
    let n = a.publishers;
    let rtt = Duration::from_millis(a.latency_ms);
    println!(
        "## Bulk sync of {n} new publishers, sandbox latency {} ms\n",
        a.latency_ms
    );

    let (t16, calls16, r16) = timed_sync(&sb, n, 16);
    assert_eq!(
        r16.counts.get("create").copied(),
        Some(n),
        "{:?}",
        r16.counts
    );
    let writes_before = sb.writes();
    let c = client(&sb, 16);
    let repeat = c
        .run_shared(Duration::from_secs(3600), |client| async move {
            sync::sync(client, desired(n), &Options::default()).await
        })
        .expect("repeat");
    let repeat_writes = sb.writes() - writes_before;
    assert_eq!(repeat.counts.get("unchanged").copied(), Some(n));

    let (t1, calls1, r1) = timed_sync(&sb, n, 1);
    assert_eq!(r1.counts.get("create").copied(), Some(n));

    let bound16 = rtt.as_secs_f64() * calls16 as f64 / 16.0;
    let bound1 = rtt.as_secs_f64() * calls1 as f64;
    println!("| strategy | wall time | API calls | bound N_calls x RTT / C | time / bound |");
    println!("|---|---|---|---|---|");
    println!(
        "| concurrency 16 | {:.2} s | {calls16} | {bound16:.2} s | {:.2} |",
        t16.as_secs_f64(),
        t16.as_secs_f64() / bound16
    );
    println!(
        "| concurrency 1 (sequential) | {:.2} s | {calls1} | {bound1:.2} s | {:.2} |",
        t1.as_secs_f64(),
        t1.as_secs_f64() / bound1
    );
    println!(
        "\nSpeed-up of 16 over 1: **{:.1}x** (target >= 12x). Writes of the repeated sync: **{repeat_writes}** (target 0).",
        t1.as_secs_f64() / t16.as_secs_f64()
    );
    single_operations(&sb);
}
