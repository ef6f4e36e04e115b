//! The client against the sandbox over loopback HTTP: every operation, faults, latency, paging.

mod common;

use std::time::Duration;

use aflexi_core::client::{
    BlockingClient, Change, ClientConfig, CreateOutcome, LinkStatus, NewPublisher, Profile,
    Terminated, UsageBatches,
};
use aflexi_core::error::TransportKind;
use aflexi_core::{Error, Secret};
use aflexi_sandbox::{Config, FaultKind};
use common::*;

fn new_publisher(local: &str, package: &str) -> NewPublisher {
    NewPublisher {
        username: local.to_string(),
        email: format!("{local}@example.com"),
        name: format!("Client {local}"),
        password: Secret::new("Initial-Pass-123"),
        package: package.to_string(),
    }
}

/// Logs in as the publisher: the role error proves the password was accepted.
fn password_works(sb: &aflexi_sandbox::Sandbox, username: &str, password: &str) -> bool {
    let c =
        BlockingClient::new(ClientConfig::new(sb.core_url(), username, password).unwrap()).unwrap();
    match c.run(|c| c.verify_credentials()) {
        Err(Error::Authentication(m)) => m.contains("PUBLISHER"),
        _ => false,
    }
}

#[test]
fn valid_operator_credentials_are_verified() {
    let sb = sandbox();
    let op = client(&sb).run(|c| c.verify_credentials()).unwrap();
    assert_eq!(op.username, OPERATOR);
    assert_eq!(Some(op.id), sb.operator_id(OPERATOR));
}

#[test]
fn wrong_auth_key_is_an_authentication_error_without_the_key() {
    let sb = sandbox();
    let c =
        BlockingClient::new(ClientConfig::new(sb.core_url(), OPERATOR, "wrong-key-5521").unwrap())
            .unwrap();
    let err = c.run(|c| c.verify_credentials()).unwrap_err();
    assert!(matches!(err, Error::Authentication(_)), "{err:?}");
    assert!(!err.to_string().contains("wrong-key-5521"));
    assert!(!format!("{err:?}").contains("wrong-key-5521"));
}

#[test]
fn a_publisher_account_is_refused_as_operator() {
    let sb = sandbox();
    let c = client(&sb);
    let created = c
        .run(|c| async move { c.create_publisher(&new_publisher("pubrole", "Gold")).await })
        .unwrap();
    assert!(password_works(
        &sb,
        &created.publisher.username,
        "Initial-Pass-123"
    ));
}

#[test]
fn unreachable_api_is_a_refused_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut config = ClientConfig::new(
        format!("http://127.0.0.1:{port}/core/xmlrpc"),
        OPERATOR,
        AUTH_KEY,
    )
    .unwrap();
    config.retry_backoff = Duration::from_millis(1);
    let err = BlockingClient::new(config)
        .unwrap()
        .run(|c| c.verify_credentials())
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Refused,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn operator_identity_is_looked_up_once_per_process() {
    let sb = sandbox();
    client(&sb).run(|c| c.operator()).unwrap();
    sb.reset_calls();
    let second = client(&sb);
    second.run(|c| c.operator()).unwrap();
    second.run(|c| c.operator_id()).unwrap();
    assert_eq!(sb.calls().get("user.get").copied().unwrap_or(0), 0);
}

#[test]
fn ensure_package_creates_once_and_then_finds() {
    let sb = sandbox();
    let c = client(&sb);
    let a = c.run(|c| c.ensure_package("  Gold   Plan ")).unwrap();
    let b = c.run(|c| c.ensure_package("Gold Plan")).unwrap();
    assert_eq!(a.id, b.id);
    assert_eq!(a.name, "Gold Plan");
    assert_eq!(sb.calls().get("bandwidthPackage.create").copied(), Some(1));
    let names: Vec<_> = c
        .run(|c| c.list_packages())
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, vec!["Gold Plan".to_string()]);
}

#[test]
fn concurrent_ensure_package_ends_with_one_package() {
    let sb = sandbox();
    let c = client(&sb);
    let shared = c.client().clone();
    let ids = c
        .run_shared(Duration::from_secs(10), |client| async move {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..8 {
                let client = client.clone();
                set.spawn(async move { client.ensure_package("Race").await });
            }
            let mut ids = Vec::new();
            while let Some(r) = set.join_next().await {
                ids.push(r.unwrap()?.id);
            }
            Ok(ids)
        })
        .unwrap();
    drop(shared);
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    let packages = sb.state()["packages"].as_array().unwrap().len();
    assert_eq!(packages, 1);
}

#[test]
fn create_publisher_makes_an_active_linked_publisher_with_its_password() {
    let sb = sandbox();
    let c = client(&sb);
    let created = c
        .run(|c| async move {
            c.create_publisher(&new_publisher("john_example.com_42", "Gold"))
                .await
        })
        .unwrap();
    assert_eq!(created.outcome, CreateOutcome::Created);
    let op = sb.operator_id(OPERATOR).unwrap();
    assert_eq!(
        created.publisher.username,
        format!("john_example.com_42/{op}")
    );
    assert_eq!(
        links(&sb),
        vec![(
            created.publisher.username.clone(),
            "ACTIVE".into(),
            "Gold".into()
        )]
    );
    assert!(password_works(
        &sb,
        &created.publisher.username,
        "Initial-Pass-123"
    ));
    let found = c
        .run(|c| c.find_publisher("john_example.com_42"))
        .unwrap()
        .unwrap();
    assert_eq!(found.id, created.publisher.id);
    assert_eq!(found.status, LinkStatus::Active);
}

#[test]
fn create_with_known_operator_and_package_is_one_call() {
    let sb = sandbox();
    let c = client(&sb);
    c.run(|c| c.ensure_package("Gold")).unwrap();
    sb.reset_calls();
    c.run(|c| async move { c.create_publisher(&new_publisher("onecall", "Gold")).await })
        .unwrap();
    assert_eq!(
        sb.calls().get("total").copied(),
        Some(1),
        "{:?}",
        sb.calls()
    );
}

#[test]
fn creating_twice_revives_instead_of_duplicating() {
    let sb = sandbox();
    let c = client(&sb);
    let first = c
        .run(|c| async move { c.create_publisher(&new_publisher("twice", "Gold")).await })
        .unwrap();
    let mut again = new_publisher("twice", "Silver");
    again.password = Secret::new("Second-Pass-456");
    let second = c.run(|c| c.create_publisher(&again)).unwrap();
    assert_eq!(second.outcome, CreateOutcome::Revived);
    assert_eq!(second.publisher.id, first.publisher.id);
    assert_eq!(
        links(&sb),
        vec![(
            first.publisher.username.clone(),
            "ACTIVE".into(),
            "Silver".into()
        )]
    );
    assert!(password_works(
        &sb,
        &first.publisher.username,
        "Second-Pass-456"
    ));
    assert!(!password_works(
        &sb,
        &first.publisher.username,
        "Initial-Pass-123"
    ));
}

#[test]
fn create_after_terminate_recreates_the_account() {
    let sb = sandbox();
    let c = client(&sb);
    let first = c
        .run(|c| async move { c.create_publisher(&new_publisher("comeback", "Gold")).await })
        .unwrap();
    assert_eq!(
        c.run(|c| c.terminate(first.publisher.id)).unwrap(),
        Terminated::Deleted
    );
    let again = c
        .run(|c| async move { c.create_publisher(&new_publisher("comeback", "Gold")).await })
        .unwrap();
    assert_eq!(again.outcome, CreateOutcome::Revived);
    assert_eq!(links(&sb)[0].1, "ACTIVE");
}

#[test]
fn create_after_a_hard_delete_recreates_the_link() {
    let sb = sandbox_with(Config {
        hard_delete: true,
        ..Config::default()
    });
    let c = client(&sb);
    let first = c
        .run(|c| async move { c.create_publisher(&new_publisher("hard", "Gold")).await })
        .unwrap();
    c.run(|c| c.terminate(first.publisher.id)).unwrap();
    assert!(links(&sb).is_empty());
    let again = c
        .run(|c| async move { c.create_publisher(&new_publisher("hard", "Gold")).await })
        .unwrap();
    assert_eq!(again.outcome, CreateOutcome::Revived);
    assert_eq!(
        links(&sb),
        vec![(
            first.publisher.username.clone(),
            "ACTIVE".into(),
            "Gold".into()
        )]
    );
}

#[test]
fn create_without_email_is_invalid_input() {
    let sb = sandbox();
    let mut p = new_publisher("noemail", "Gold");
    p.email = " ".into();
    let err = client(&sb).run(|c| c.create_publisher(&p)).unwrap_err();
    assert!(matches!(err, Error::InvalidInput { field: "email", .. }));
    assert_eq!(sb.calls().get("total").copied().unwrap_or(0), 0);
}

#[test]
fn suspend_and_activate_take_two_calls_and_report_no_op_when_already_done() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("susp", "Gold")).await })
        .unwrap()
        .publisher;
    sb.reset_calls();
    assert_eq!(c.run(|c| c.suspend(p.id)).unwrap(), Change::Applied);
    assert_eq!(sb.calls()["total"], 2);
    assert_eq!(links(&sb)[0].1, "SUSPENDED");
    sb.reset_calls();
    assert_eq!(c.run(|c| c.suspend(p.id)).unwrap(), Change::AlreadyDone);
    assert_eq!(sb.calls()["total"], 1);
    assert_eq!(c.run(|c| c.activate(p.id)).unwrap(), Change::Applied);
    assert_eq!(links(&sb)[0].1, "ACTIVE");
}

#[test]
fn operations_on_a_missing_publisher_report_not_found() {
    let sb = sandbox();
    let c = client(&sb);
    for result in [
        c.run(|c| c.suspend(9999)).map(|_| ()),
        c.run(|c| c.activate(9999)).map(|_| ()),
        c.run(|c| c.change_package(9999, "Gold")).map(|_| ()),
        c.run(|c| async move {
            c.change_password(9999, &Secret::new("Another-Pass-1"))
                .await
        }),
    ] {
        assert!(matches!(result, Err(Error::NotFound(_))), "{result:?}");
    }
}

#[test]
fn operations_on_a_terminated_publisher_report_not_found_but_terminate_is_done() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("gone", "Gold")).await })
        .unwrap()
        .publisher;
    c.run(|c| c.terminate(p.id)).unwrap();
    let err = c.run(|c| c.suspend(p.id)).unwrap_err();
    assert!(
        matches!(err, Error::NotFound(_)) && err.to_string().contains("terminated"),
        "{err}"
    );
    assert_eq!(
        c.run(|c| c.terminate(p.id)).unwrap(),
        Terminated::AlreadyGone
    );
    assert_eq!(
        c.run(|c| c.terminate(424242)).unwrap(),
        Terminated::AlreadyGone
    );
}

#[test]
fn change_package_moves_the_link_and_creates_the_package() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("mover", "Gold")).await })
        .unwrap()
        .publisher;
    assert_eq!(
        c.run(|c| c.change_package(p.id, "Platinum")).unwrap(),
        Change::Applied
    );
    assert_eq!(links(&sb)[0].2, "Platinum");
    assert_eq!(
        c.run(|c| c.change_package(p.id, "Platinum")).unwrap(),
        Change::AlreadyDone
    );
    // With the package known to the process, a change is two calls.
    c.run(|c| c.change_package(p.id, "Gold")).unwrap();
    sb.reset_calls();
    c.run(|c| c.change_package(p.id, "Platinum")).unwrap();
    assert_eq!(sb.calls()["total"], 2);
}

#[test]
fn change_password_replaces_the_old_one() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("pw", "Gold")).await })
        .unwrap()
        .publisher;
    sb.reset_calls();
    c.run(|c| async move { c.change_password(p.id, &Secret::new("Brand-New-789")).await })
        .unwrap();
    assert_eq!(sb.calls()["total"], 2);
    assert!(password_works(&sb, &p.username, "Brand-New-789"));
    assert!(!password_works(&sb, &p.username, "Initial-Pass-123"));
}

#[test]
fn update_profile_sets_email_and_name() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("prof", "Gold")).await })
        .unwrap()
        .publisher;
    let profile = Profile {
        email: "new.address@example.org".into(),
        name: "Zoë Ünicode".into(),
    };
    c.run(|c| c.update_profile(p.id, &profile)).unwrap();
    let now = c.run(|c| c.get_publisher(p.id)).unwrap();
    assert_eq!(now.email, "new.address@example.org");
    assert_eq!(now.name, "Zoë Ünicode");
    let bad = Profile {
        email: "not-an-email".into(),
        name: String::new(),
    };
    assert!(matches!(
        c.run(|c| c.update_profile(p.id, &bad)),
        Err(Error::InvalidInput { .. })
    ));
}

#[test]
fn terminate_deletes_the_link_and_keeps_the_user() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("term", "Gold")).await })
        .unwrap()
        .publisher;
    sb.reset_calls();
    assert_eq!(c.run(|c| c.terminate(p.id)).unwrap(), Terminated::Deleted);
    assert_eq!(sb.calls()["total"], 2);
    assert_eq!(links(&sb)[0].1, "DELETED");
    assert_eq!(sb.state()["publishers"].as_array().unwrap().len(), 1);
}

#[test]
fn portal_url_is_unbranded_by_default_and_branded_when_set() {
    let sb = sandbox();
    let c = client(&sb);
    let op = sb.operator_id(OPERATOR).unwrap();
    assert_eq!(
        c.run(|c| c.portal_url()).unwrap(),
        format!("http://portal.aflexi.net/p/{op}")
    );
    sb.set_theme(OPERATOR, "https://cdn.acme.example", "acme");
    assert_eq!(
        c.run(|c| c.portal_url()).unwrap(),
        "https://cdn.acme.example"
    );
}

#[test]
fn bandwidth_usage_sums_the_real_month() {
    let sb = sandbox();
    let c = client(&sb);
    let a = c
        .run(|c| async move { c.create_publisher(&new_publisher("bw1", "Gold")).await })
        .unwrap()
        .publisher;
    let b = c
        .run(|c| async move { c.create_publisher(&new_publisher("bw2", "Gold")).await })
        .unwrap()
        .publisher;
    let usage = c.run(|c| c.bandwidth_usage(2026, 2)).unwrap();
    for p in [&a, &b] {
        let expected: i64 = (1..=28)
            .flat_map(|d| ["HTTP", "RTMP"].map(move |k| (d, k)))
            .map(|(d, k)| {
                aflexi_sandbox::usage_mb(Config::default().seed, p.id, &format!("202602{d:02}"), k)
                    [2]
            })
            .sum();
        assert_eq!(
            usage.get(&p.id).copied().unwrap_or(0),
            expected,
            "publisher {}",
            p.id
        );
    }
    assert_eq!(sb.calls().get("stats.getSummaries").copied(), Some(2));
}

#[test]
fn bandwidth_usage_of_asks_a_few_hundred_publishers_at_a_time() {
    let sb = sandbox();
    let c = client(&sb);
    let ids = sb.seed_publishers(OPERATOR, 450, "Gold", "bwof");
    let everyone = c.run(|c| c.bandwidth_usage(2026, 3)).unwrap();
    sb.reset_calls();
    // Asked twice, out of order, with an id that is not a publisher (no usage: absent).
    let mut asked: Vec<i64> = ids.iter().rev().copied().collect();
    asked.push(ids[0]);
    asked.push(999_999_999);
    let usage = c
        .run(|c| async move { c.bandwidth_usage_of(2026, 3, &asked).await })
        .unwrap();
    // 451 distinct ids, 200 a query: 3 queries, each HTTP and RTMP.
    assert_eq!(sb.calls().get("stats.getSummaries").copied(), Some(6));
    assert_eq!(usage.len(), 450);
    for id in &ids {
        assert_eq!(usage.get(id), everyone.get(id), "publisher {id}");
    }
    let one = ids[7];
    let some = c
        .run(|c| async move { c.bandwidth_usage_of(2026, 3, &[one]).await })
        .unwrap();
    assert_eq!(some.keys().copied().collect::<Vec<_>>(), vec![one]);
    sb.reset_calls();
    let none = c
        .run(|c| async move { c.bandwidth_usage_of(2026, 3, &[]).await })
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(sb.calls().get("total").copied().unwrap_or(0), 0);
}

#[test]
fn usage_batches_give_every_publisher_one_row_and_a_refused_query_fails_only_its_own() {
    let sb = sandbox();
    let c = client(&sb);
    let ids = sb.seed_publishers(OPERATOR, 450, "Gold", "batch");
    let asked = ids.clone();
    let expected = c
        .run(|c| async move { c.bandwidth_usage_of(2026, 3, &asked).await })
        .unwrap();
    let read = |ids: &[i64]| {
        let mut batches = UsageBatches::new(2026, 3, ids, 4).unwrap();
        let mut rows = Vec::new();
        while let Some(batch) = c.next_usage_batch(&mut batches).unwrap() {
            assert!(batch.len() <= 200, "one query's rows at a time");
            rows.extend(batch);
        }
        rows.sort_by_key(|r| r.publisher);
        rows
    };

    let rows = read(&ids);
    assert_eq!(rows.len(), 450, "one row per publisher");
    for row in &rows {
        assert_eq!(row.usage, Ok(expected.get(&row.publisher).copied()));
    }

    // Ids are asked 200 a query in id order: refusing the 250th fails the second query only.
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sb.set_refused_publishers(&[sorted[250]]);
    let rows = read(&ids);
    sb.set_refused_publishers(&[]);
    assert_eq!(rows.len(), 450);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.publisher, sorted[i]);
        if (200..400).contains(&i) {
            let err = row.usage.as_ref().unwrap_err();
            assert_eq!(err.kind(), "fault", "{err}");
        } else {
            assert_eq!(row.usage, Ok(expected.get(&row.publisher).copied()));
        }
    }
    assert!(
        UsageBatches::new(2026, 13, &ids, 4).is_err(),
        "a bad month is refused first"
    );
}

#[test]
fn listing_pages_through_every_publisher_exactly_once() {
    let sb = sandbox();
    let ids = sb.seed_publishers(OPERATOR, 1_234, "Bulk", "bulk");
    sb.seed_publishers(OTHER, 50, "Theirs", "theirs");
    let mut config = config(&sb);
    config.page_size = 500;
    let c = BlockingClient::new(config).unwrap();
    c.run(|c| c.operator()).unwrap();
    sb.reset_calls();
    let listed = c.run(|c| c.list_publishers()).unwrap();
    let listed_ids: Vec<i64> = listed.iter().map(|p| p.id).collect();
    assert_eq!(listed_ids, ids);
    assert_eq!(
        sb.calls()["publisherLink.get"],
        4,
        "3 pages and the empty one that ends it"
    );
    let page = c.run(|c| c.list_publishers_page(1_200, 100)).unwrap();
    assert_eq!(page.len(), 34);
}

#[test]
fn reads_survive_injected_faults() {
    let sb = sandbox();
    let c = client(&sb);
    let p = c
        .run(|c| async move { c.create_publisher(&new_publisher("flaky", "Gold")).await })
        .unwrap()
        .publisher;
    sb.set_faults(
        0.3,
        &[FaultKind::Http500, FaultKind::Reset, FaultKind::Malformed],
    );
    let mut config = config(&sb);
    config.read_retries = 6;
    let c = BlockingClient::new(config).unwrap();
    for _ in 0..20 {
        assert_eq!(c.run(|c| c.get_publisher(p.id)).unwrap().id, p.id);
    }
}

#[test]
fn writes_under_faults_never_duplicate_publishers() {
    let sb = sandbox();
    let c = client(&sb);
    c.run(|c| c.ensure_package("Gold")).unwrap();
    sb.set_faults(
        0.25,
        &[
            FaultKind::Http500,
            FaultKind::Reset,
            FaultKind::Malformed,
            FaultKind::Fault,
        ],
    );
    for i in 0..40 {
        let p = new_publisher(&format!("dup{i}"), "Gold");
        // Retry the whole operation until it succeeds, as an administrator would.
        let mut ok = false;
        for _ in 0..10 {
            if c.run(|c| c.create_publisher(&p)).is_ok() {
                ok = true;
                break;
            }
        }
        assert!(ok, "publisher {i} never created");
    }
    sb.set_faults(0.0, &[]);
    let all = links(&sb);
    assert_eq!(all.len(), 40);
    let mut names: Vec<_> = all.iter().map(|l| l.0.clone()).collect();
    names.dedup();
    assert_eq!(names.len(), 40);
    assert!(all.iter().all(|l| l.1 == "ACTIVE"));
}

/// Verifies credentials against a sandbox that holds every call far longer than any limit
/// below (a hang ends by dropping the connection, an I/O error, never a timeout): a timeout
/// error can only come from the client's own limits. Returns the error.
fn against_a_hung_api(tune: impl FnOnce(&mut ClientConfig)) -> Error {
    let sb = sandbox_with(Config {
        hang_ms: 600_000,
        ..Config::default()
    });
    sb.set_faults(1.0, &[FaultKind::Timeout]);
    let mut config = config(&sb);
    tune(&mut config);
    let client = BlockingClient::new(config).unwrap();
    client.run(|c| c.verify_credentials()).unwrap_err()
}

/// The message of a timeout error (any other error fails the test).
fn timeout_message(err: &Error) -> &str {
    match err {
        Error::Transport {
            kind: TransportKind::Timeout,
            message,
        } => message,
        other => panic!("not a timeout: {other:?}"),
    }
}

#[test]
fn a_hung_api_times_out_by_the_request_timeout() {
    let err = against_a_hung_api(|c| {
        c.request_timeout = Duration::from_millis(300);
        c.read_retries = 0;
        // Far above 300 ms, far below the default request timeout (20 s): a request timeout
        // that was not applied ends in the operation's message.
        c.operation_timeout = Duration::from_secs(5);
    });
    let message = timeout_message(&err);
    // The request's own timeout ended it, not the operation's.
    assert!(!message.contains("did not finish within"), "{message}");
    assert!(message.contains("user.get"), "{message}");
}

#[test]
fn the_operation_timeout_bounds_retries_too() {
    let err = against_a_hung_api(|c| {
        c.request_timeout = Duration::from_secs(120);
        c.read_retries = 5;
        c.operation_timeout = Duration::from_millis(500);
    });
    assert_eq!(
        timeout_message(&err),
        "the operation did not finish within 0.5 s"
    );
}

#[test]
fn latency_is_tolerated() {
    let sb = sandbox_with(Config {
        latency_ms: 40,
        ..Config::default()
    });
    let c = client(&sb);
    let created = c
        .run(|c| async move { c.create_publisher(&new_publisher("slow", "Gold")).await })
        .unwrap();
    assert_eq!(created.outcome, CreateOutcome::Created);
}

#[test]
fn call_counts_are_kept_per_method() {
    let sb = sandbox();
    let c = client(&sb);
    c.run(|c| c.verify_credentials()).unwrap();
    c.run(|c| c.list_packages()).unwrap();
    let counts = c.client().call_counts();
    assert_eq!(counts.get("user.get"), Some(&1));
    assert_eq!(counts.get("bandwidthPackage.get"), Some(&1));
    c.client().reset_call_counts();
    assert!(c.client().call_counts().is_empty());
}

#[test]
fn the_call_log_lists_each_call_without_secrets() {
    let sb = sandbox();
    let c = client(&sb);
    c.run(|c| async move { c.create_publisher(&new_publisher("logged", "Gold")).await })
        .unwrap();
    let log = c.client().take_call_log();
    let methods: Vec<&str> = log.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        vec![
            "user.get",
            "bandwidthPackage.get",
            "bandwidthPackage.create",
            "user.create"
        ]
    );
    let text = serde_json::to_string(&log).unwrap();
    assert!(
        !text.contains("Initial-Pass-123") && !text.contains(AUTH_KEY),
        "{text}"
    );
    assert!(text.contains("[redacted]"));
    assert!(log.iter().all(|r| r.outcome == "ok"));
    assert!(c.client().take_call_log().is_empty());
}

#[test]
fn the_stats_endpoint_is_derived_from_the_core_endpoint() {
    let sb = sandbox();
    assert_eq!(config(&sb).stats_endpoint(), sb.stats_url());
}
