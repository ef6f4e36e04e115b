//! The sync engine against the sandbox: plans, repeat runs, faults, budgets.

mod common;

use std::sync::Arc;
use std::time::Duration;

use aflexi_core::client::{Client, ClientConfig};
use aflexi_core::sync::{self, Action, DesiredPublisher, DesiredStatus, Options, Outcome};
use aflexi_sandbox::FaultKind;
use common::*;

fn desired(n: usize, package: &str) -> Vec<DesiredPublisher> {
    (0..n)
        .map(|i| DesiredPublisher {
            key: i.to_string(),
            username: format!("svc{i}"),
            email: format!("client{i}@example.com"),
            name: format!("Client {i}"),
            package: package.to_string(),
            status: DesiredStatus::Active,
            password: None,
        })
        .collect()
}

fn arc_client(sb: &aflexi_sandbox::Sandbox) -> Arc<Client> {
    client(sb).client().clone()
}

fn run(
    sb: &aflexi_sandbox::Sandbox,
    want: Vec<DesiredPublisher>,
    options: Options,
) -> sync::Report {
    let c = client(sb);
    c.run_shared(Duration::from_secs(120), |client| async move {
        sync::sync(client, want, &options).await
    })
    .unwrap()
}

#[test]
fn first_sync_creates_every_publisher_and_package() {
    let sb = sandbox();
    let report = run(&sb, desired(250, "Gold"), Options::default());
    assert_eq!(report.counts.get("done"), Some(&250), "{:?}", report.counts);
    assert_eq!(report.counts.get("create"), Some(&250));
    assert_eq!(report.packages_created, vec!["Gold".to_string()]);
    let all = links(&sb);
    assert_eq!(all.len(), 250);
    assert!(all.iter().all(|l| l.1 == "ACTIVE" && l.2 == "Gold"));
    assert!(report
        .results
        .iter()
        .all(|r| r.password.is_some() && r.publisher_id.is_some()));
}

#[test]
fn repeating_a_sync_writes_nothing() {
    let sb = sandbox();
    run(&sb, desired(120, "Gold"), Options::default());
    let writes_before = sb.writes();
    let report = run(&sb, desired(120, "Gold"), Options::default());
    assert_eq!(sb.writes(), writes_before);
    assert_eq!(report.counts.get("unchanged"), Some(&120));
}

#[test]
fn each_difference_gets_its_own_action() {
    let sb = sandbox();
    let c = arc_client(&sb);
    run(&sb, desired(6, "Gold"), Options::default());
    let blocking = client(&sb);
    let id_of = |i: usize| {
        let name = format!("svc{i}");
        blocking
            .run(|c| c.find_publisher(&name))
            .unwrap()
            .unwrap()
            .id
    };
    let (one, two) = (id_of(1), id_of(2));
    blocking.run(|c| c.suspend(one)).unwrap();
    blocking.run(|c| c.terminate(two)).unwrap();
    drop(c);

    let mut want = desired(7, "Gold");
    want[3].package = "Silver".into(); // package change
    want[4].email = "changed@example.com".into(); // profile
    want[5].status = DesiredStatus::Suspended; // suspend
                                               // want[1] suspended on Aflexi, active wanted: reactivate; want[2] terminated: reactivate;
                                               // want[6] new: create; want[0]: unchanged.
    let report = run(&sb, want.clone(), Options::default());
    let actions: Vec<Vec<Action>> = report.results.iter().map(|r| r.actions.clone()).collect();
    assert_eq!(
        actions,
        vec![
            vec![],
            vec![Action::Reactivate],
            vec![Action::Reactivate],
            vec![Action::ChangePackage],
            vec![Action::UpdateProfile],
            vec![Action::Suspend],
            vec![Action::Create],
        ]
    );
    assert!(report.results.iter().all(|r| r.outcome != Outcome::Failed));
    let all = links(&sb);
    let status_of = |i: usize| {
        all.iter()
            .find(|l| l.0.starts_with(&format!("svc{i}/")))
            .unwrap()
            .clone()
    };
    assert_eq!(status_of(1).1, "ACTIVE");
    assert_eq!(status_of(2).1, "ACTIVE");
    assert_eq!(status_of(3).2, "Silver");
    assert_eq!(status_of(5).1, "SUSPENDED");
    let writes = sb.writes();
    run(&sb, want, Options::default());
    assert_eq!(
        sb.writes(),
        writes,
        "second run of the same state writes nothing"
    );
}

#[test]
fn a_dry_run_plan_writes_nothing() {
    let sb = sandbox();
    let c = client(&sb);
    let plan = c
        .run_shared(Duration::from_secs(30), |client| async move {
            sync::plan(&client, desired(40, "Gold"), 16).await
        })
        .unwrap();
    assert_eq!(plan.counts.get("create"), Some(&40));
    assert_eq!(plan.packages_missing, vec!["Gold".to_string()]);
    assert_eq!(sb.writes(), 0);
    assert!(links(&sb).is_empty());
}

#[test]
fn suspended_entries_for_unknown_publishers_are_left_alone() {
    let sb = sandbox();
    let mut want = desired(3, "Gold");
    for w in &mut want {
        w.status = DesiredStatus::Suspended;
    }
    let report = run(&sb, want, Options::default());
    assert_eq!(report.counts.get("unchanged"), Some(&3));
    assert_eq!(sb.writes(), 0);
}

#[test]
fn entries_naming_the_same_publisher_are_merged_active_first() {
    let sb = sandbox();
    let mut want = desired(2, "Gold");
    want[1].username = want[0].username.clone();
    want[0].status = DesiredStatus::Suspended;
    want[1].package = "Silver".into();
    let report = run(&sb, want, Options::default());
    assert_eq!(report.results.len(), 1);
    assert_eq!(
        report.results[0].keys,
        vec!["0".to_string(), "1".to_string()]
    );
    assert_eq!(
        links(&sb),
        vec![(
            report.results[0].username.clone(),
            "ACTIVE".into(),
            "Silver".into()
        )]
    );
}

#[test]
fn bad_entries_fail_alone_with_their_reason() {
    let sb = sandbox();
    let mut want = desired(3, "Gold");
    want[1].email = String::new();
    want[2].username = "   ".into();
    let report = run(&sb, want, Options::default());
    assert_eq!(report.results[0].outcome, Outcome::Done);
    assert_eq!(report.results[1].outcome, Outcome::Failed);
    assert!(report.results[1]
        .error
        .as_deref()
        .unwrap()
        .contains("e-mail"));
    assert_eq!(report.results[1].error_kind, Some("invalid_input"));
    assert_eq!(report.results[2].outcome, Outcome::Failed);
    assert_eq!(report.results[2].error_kind, Some("invalid_input"));
    assert_eq!(report.results[0].error_kind, None);
    assert_eq!(links(&sb).len(), 1);
}

#[test]
fn a_sync_under_ten_percent_faults_converges_within_two_runs() {
    let sb = sandbox();
    sb.set_faults(
        0.10,
        &[
            FaultKind::Http500,
            FaultKind::Reset,
            FaultKind::Malformed,
            FaultKind::Fault,
        ],
    );
    let first = run(&sb, desired(300, "Gold"), Options::default());
    let second = run(&sb, desired(300, "Gold"), Options::default());
    sb.set_faults(0.0, &[]);
    let third = run(&sb, desired(300, "Gold"), Options::default());
    assert_eq!(
        third.counts.get("unchanged"),
        Some(&300),
        "first {:?} second {:?} third {:?}",
        first.counts,
        second.counts,
        third.counts
    );
    let all = links(&sb);
    assert_eq!(all.len(), 300, "no duplicate publishers");
    assert!(all.iter().all(|l| l.1 == "ACTIVE"));
}

#[test]
fn a_time_budget_leaves_the_rest_pending_and_a_rerun_finishes() {
    let sb = sandbox_with(aflexi_sandbox::Config {
        latency_ms: 20,
        ..Default::default()
    });
    let options = Options {
        concurrency: 2,
        time_budget: Some(Duration::from_millis(300)),
    };
    let first = run(&sb, desired(60, "Gold"), options);
    let pending = first.counts.get("pending").copied().unwrap_or(0);
    assert!(pending > 0, "{:?}", first.counts);
    let second = run(&sb, desired(60, "Gold"), Options::default());
    assert_eq!(second.counts.get("create").copied().unwrap_or(0), pending);
    assert_eq!(links(&sb).len(), 60);
}

#[test]
fn results_are_serializable_for_php_with_the_password_only_on_created() {
    let sb = sandbox();
    let report = run(&sb, desired(1, "Gold"), Options::default());
    let json = serde_json::to_value(&report).unwrap();
    let password = json["results"][0]["password"].as_str().unwrap();
    assert_eq!(password.len(), aflexi_core::password::DEFAULT_LEN);
    let again = serde_json::to_value(run(&sb, desired(1, "Gold"), Options::default())).unwrap();
    assert!(again["results"][0]["password"].is_null());
    let _ = ClientConfig::new(sb.core_url(), OPERATOR, AUTH_KEY).unwrap();
}

#[test]
fn when_aflexi_stops_answering_a_few_fail_and_the_rest_wait_for_the_next_run() {
    let sb = sandbox();
    let c = client(&sb);
    let options = Options {
        concurrency: 2,
        time_budget: None,
    };
    let shared = Arc::clone(sb.shared());
    let report = c
        .run_shared(Duration::from_secs(120), |client| async move {
            let plan = sync::plan(&client, desired(50, "Gold"), 2).await?;
            // Aflexi goes down between the plan and the apply: every call answers HTTP 500.
            shared.update_settings(|s| {
                s.fault_rate = 1.0;
                s.fault_kinds = vec![FaultKind::Http500];
            });
            Ok(sync::apply(client, plan, &options).await)
        })
        .unwrap();
    let failed: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .collect();
    // Five in a row stop it; at most one more was in flight at concurrency 2.
    assert!((5..=6).contains(&failed.len()), "{:?}", report.counts);
    assert!(failed
        .iter()
        .all(|r| r.outage && r.error.is_some() && r.error_kind == Some("http_status")));
    assert_eq!(report.counts.get("pending"), Some(&(50 - failed.len())));
    sb.set_faults(0.0, &[]);
    let again = run(&sb, desired(50, "Gold"), Options::default());
    assert_eq!(again.counts.get("create"), Some(&50), "{:?}", again.counts);
    assert_eq!(links(&sb).len(), 50, "no duplicate publishers");
}

#[test]
fn a_refusal_is_not_an_outage_and_stops_nothing() {
    let sb = sandbox();
    let mut want = desired(20, "Gold");
    for w in want.iter_mut().take(10) {
        w.email = "not an address".into();
    }
    let report = run(&sb, want, Options::default());
    let failed = report
        .results
        .iter()
        .filter(|r| r.outcome == Outcome::Failed);
    assert!(failed.clone().count() == 10 && failed.clone().all(|r| !r.outage));
    assert_eq!(report.counts.get("done"), Some(&10), "{:?}", report.counts);
}
