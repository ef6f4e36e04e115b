//! HTTP behaviour (docs/AFLEXI-API.md#endpoints, #wire-format), fault injection, counters and the `/_sandbox`
//! controls.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use aflexi_core::xmlrpc::{decode_response, encode_call, DEFAULT_MAX_RESPONSE_BYTES};
use aflexi_sandbox::FaultKind;
use common::*;
use serde_json::{json, Value};

fn self_call() -> Vec<u8> {
    encode_call(
        "user.get",
        &[json!("acme"), json!(ACME_KEY), json!({"self": true})],
    )
    .unwrap()
    .into_bytes()
}

fn create_package_call(name: &str) -> Vec<u8> {
    encode_call(
        "bandwidthPackage.create",
        &[json!("acme"), json!(ACME_KEY), json!({"name": name})],
    )
    .unwrap()
    .into_bytes()
}

fn package_names(sb: &aflexi_sandbox::Sandbox) -> Vec<String> {
    sb.state()["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_http_10_request_is_answered_as_http_10_and_closed() {
    let sb = sandbox();
    let r = http10(sb.addr(), "/core/xmlrpc", &self_call());
    assert!(
        r.status_line.starts_with("HTTP/1.0 200"),
        "{}",
        r.status_line
    );
    assert_eq!(r.header("content-type"), Some("text/xml"));
    let me = decode(&r).unwrap();
    assert_eq!(me["results"][0]["username"], "acme");
}

#[test]
fn http_11_connections_are_kept_alive() {
    let sb = sandbox();
    let mut conn = KeepAlive::open(sb.addr());
    for _ in 0..3 {
        let r = conn.post("/core/xmlrpc", &self_call());
        assert!(r.status_line.starts_with("HTTP/1.1 200"));
        assert_eq!(decode(&r).unwrap()["results"][0]["id"], 1);
    }
}

#[test]
fn faults_are_http_200_with_a_fault_body() {
    let sb = sandbox();
    let body = encode_call("user.get", &[json!("acme"), json!("wrong"), json!({})]).unwrap();
    let r = http(sb.addr(), "POST", "/core/xmlrpc", body.as_bytes());
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/xml"));
    assert_eq!(decode(&r).unwrap_err().code, 401);
}

#[test]
fn a_body_that_is_not_a_method_call_is_fault_32700() {
    let sb = sandbox();
    let r = http(
        sb.addr(),
        "POST",
        "/core/xmlrpc",
        b"<methodCall><methodName>user.get</methodName><params><param><value><string>acme",
    );
    let f = decode(&r).unwrap_err();
    assert_eq!(f.code, -32700);
    assert!(!f.message.contains("acme"));
    assert_eq!(sb.calls().get("<not well formed>"), Some(&1));
}

#[test]
fn unknown_paths_are_404_and_xmlrpc_needs_post() {
    let sb = sandbox();
    assert_eq!(http(sb.addr(), "POST", "/xmlrpc", &self_call()).status, 404);
    assert_eq!(http(sb.addr(), "GET", "/_sandbox/nothing", b"").status, 404);
    assert_eq!(http(sb.addr(), "GET", "/core/xmlrpc", b"").status, 405);
    // Query strings do not matter.
    assert_eq!(
        http(sb.addr(), "POST", "/core/xmlrpc?x=1", &self_call()).status,
        200
    );
}

#[test]
fn an_injected_http500_is_an_html_error_page() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Http500]);
    let r = http(sb.addr(), "POST", "/core/xmlrpc", &self_call());
    assert_eq!(r.status, 500);
    assert!(r.text().contains("Internal Server Error"));
    assert_eq!(r.header("content-type"), Some("text/html"));
}

#[test]
fn an_injected_reset_drops_the_connection_without_a_response() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Reset]);
    assert!(try_http(sb.addr(), "POST", "/core/xmlrpc", &self_call()).is_none());
}

/// How long a test holds a call in a latency or a hang: far longer than the test runs, so
/// only the test's own steps (`POST /_sandbox/release`), never the clock, end it.
const HELD_MS: u64 = 600_000;

/// How long a released call may take to end before the test fails instead of hanging (a
/// guard like the controls' own 30 s, not a measure: a released call ends at once).
const HANG_GUARD: Duration = Duration::from_secs(30);

/// How many XML-RPC calls the sandbox has received, once it has received `at_least`.
fn received(sb: &aflexi_sandbox::Sandbox, at_least: u64) -> u64 {
    let path = format!("/_sandbox/received?at_least={at_least}");
    let (status, answer) = control(sb, "GET", &path, Value::Null);
    assert_eq!(status, 200, "{answer}");
    answer["received"].as_u64().unwrap()
}

/// Sends `user.get` from another thread and returns once the sandbox has received it; the
/// receiver gets whether the connection was dropped without a response.
fn send_held_call(sb: &aflexi_sandbox::Sandbox) -> mpsc::Receiver<bool> {
    let before = received(sb, 0);
    let (tx, rx) = mpsc::channel();
    let addr = sb.addr();
    std::thread::spawn(move || {
        let dropped = try_http(addr, "POST", "/core/xmlrpc", &self_call()).is_none();
        let _ = tx.send(dropped);
    });
    received(sb, before + 1);
    rx
}

#[test]
fn an_injected_timeout_holds_the_call_then_drops_the_connection() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Timeout]);
    sb.set_hang_ms(HELD_MS);
    let held = send_held_call(&sb);
    // Another call is answered while the first one hangs: the hang holds only its call.
    sb.set_faults(0.0, &[]);
    ok(acme(&sb, "user.get", &[json!({"self": true})]));
    assert_eq!(
        held.try_recv(),
        Err(mpsc::TryRecvError::Empty),
        "the hanging call ended"
    );
    // Released, the hang ends by dropping the connection without a response.
    assert_eq!(
        control(&sb, "POST", "/_sandbox/release", Value::Null).0,
        200
    );
    assert_eq!(
        held.recv_timeout(HANG_GUARD),
        Ok(true),
        "the hang was not released"
    );
}

#[test]
fn an_injected_malformed_response_does_not_decode() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Malformed]);
    for _ in 0..4 {
        let r = http(sb.addr(), "POST", "/core/xmlrpc", &self_call());
        assert_eq!(r.status, 200);
        assert!(decode_response(&r.body, DEFAULT_MAX_RESPONSE_BYTES).is_err());
    }
}

#[test]
fn an_injected_fault_is_code_500_and_never_applied() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Fault]);
    for i in 0..10 {
        let f = decode(&http(
            sb.addr(),
            "POST",
            "/core/xmlrpc",
            &create_package_call(&format!("p{i}")),
        ))
        .unwrap_err();
        assert_eq!(
            (f.code, f.message.as_str()),
            (500, "injected internal error")
        );
    }
    assert!(package_names(&sb).is_empty());
}

#[test]
fn transport_faults_are_sometimes_applied_before_the_failure() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Reset]);
    for i in 0..20 {
        assert!(try_http(
            sb.addr(),
            "POST",
            "/core/xmlrpc",
            &create_package_call(&format!("p{i}"))
        )
        .is_none());
    }
    let applied = package_names(&sb).len();
    assert!(applied > 0 && applied < 20, "{applied} of 20 applied");
}

#[test]
fn the_same_seed_injects_the_same_faults() {
    let run = || {
        let sb = sandbox();
        sb.set_faults(
            0.5,
            &FaultKind::ALL
                .iter()
                .copied()
                .filter(|k| *k != FaultKind::Timeout)
                .collect::<Vec<_>>(),
        );
        for i in 0..20 {
            let _ = try_http(
                sb.addr(),
                "POST",
                "/core/xmlrpc",
                &create_package_call(&format!("p{i}")),
            );
        }
        package_names(&sb)
    };
    let first = run();
    assert_eq!(first, run());
    assert!(first.len() < 20);
}

#[test]
fn controls_do_not_fail_when_faults_are_on() {
    let sb = sandbox();
    sb.set_faults(1.0, &[FaultKind::Reset]);
    let (status, state) = control(&sb, "GET", "/_sandbox/state", Value::Null);
    assert_eq!(status, 200);
    assert_eq!(state["operators"].as_array().unwrap().len(), 2);
}

#[test]
fn counters_count_every_call_received_including_faults() {
    let sb = sandbox();
    ok(acme(&sb, "user.get", &[json!({"self": true})]));
    fault(acme(&sb, "user.get", &[json!([])]));
    acme_package(&sb, "gold");
    fault(call_as(
        &sb,
        "acme",
        "bad",
        "bandwidthPackage.create",
        &[json!({"name": "x"})],
    ));
    sb.set_faults(1.0, &[FaultKind::Reset]);
    let _ = try_http(sb.addr(), "POST", "/core/xmlrpc", &self_call());
    sb.set_faults(0.0, &[]);
    let calls = sb.calls();
    assert_eq!(calls.get("user.get"), Some(&3));
    assert_eq!(calls.get("bandwidthPackage.create"), Some(&2));
    assert_eq!(calls.get("total"), Some(&5));
    assert_eq!(sb.writes(), 2);
    let (status, over_http) = control(&sb, "GET", "/_sandbox/calls", Value::Null);
    assert_eq!(status, 200);
    assert_eq!(
        over_http,
        json!({"bandwidthPackage.create": 2, "total": 5, "user.get": 3})
    );
    sb.reset_calls();
    assert_eq!(sb.calls().get("total"), Some(&0));
    assert_eq!(sb.writes(), 0);
}

#[test]
fn reset_clears_everything_and_recreates_the_operators() {
    let sb = sandbox();
    sb.seed_publishers("acme", 5, "gold", "p");
    let added = sb.add_operator("late", "late-key");
    assert_eq!(added, 8);
    ok(acme(&sb, "user.get", &[json!({"self": true})]));
    let (status, _) = control(&sb, "POST", "/_sandbox/reset", Value::Null);
    assert_eq!(status, 200);
    let state = sb.state();
    assert_eq!(state["operators"].as_array().unwrap().len(), 2);
    assert!(state["publishers"].as_array().unwrap().is_empty());
    assert!(state["packages"].as_array().unwrap().is_empty());
    assert_eq!(sb.calls().get("total"), Some(&0));
    assert_eq!(sb.operator_id("rival"), Some(2));
    // Ids start again after the operators.
    assert_eq!(sb.seed_publishers("acme", 1, "gold", "p"), vec![3]);
    ok(acme(&sb, "user.get", &[json!({"self": true})]));
}

#[test]
fn the_state_view_redacts_keys_and_passwords() {
    let sb = sandbox();
    let pkg = acme_package(&sb, "gold");
    ok(acme(
        &sb,
        "user.create",
        &[
            json!({"username": "shop", "email": "s@x.y", "password": "sup3rs3cret"}),
            json!({"id": pkg}),
        ],
    ));
    let (_, state) = control(&sb, "GET", "/_sandbox/state", Value::Null);
    let text = state.to_string();
    assert!(!text.contains(ACME_KEY) && !text.contains("sup3rs3cret"));
    assert_eq!(state["publishers"][0]["hasPassword"], true);
    assert_eq!(
        state["links"],
        json!([{"publisher": 3, "operator": 1, "status": "ACTIVE", "package": pkg}])
    );
}

#[test]
fn config_changes_settings_at_run_time() {
    let sb = sandbox();
    let (status, config) = control(
        &sb,
        "POST",
        "/_sandbox/config",
        json!({"latency_ms": 5, "fault_rate": 0.5, "fault_kinds": ["reset", "fault"], "hang_ms": 10, "seed": 7, "hard_delete": true}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        config,
        json!({"latency_ms": 5, "fault_rate": 0.5, "fault_kinds": ["reset", "fault"], "hang_ms": 10, "seed": 7, "hard_delete": true, "refused_publishers": []})
    );
    assert!(sb.settings().hard_delete);
    let (status, config) = control(
        &sb,
        "POST",
        "/_sandbox/config",
        json!({"fault_kinds": "http500", "fault_rate": 0}),
    );
    assert_eq!(status, 200);
    assert_eq!(config["fault_kinds"], json!(["http500"]));
    assert_eq!(config["latency_ms"], 5);
    let (status, error) = control(&sb, "POST", "/_sandbox/config", json!({"fault_rate": 3}));
    assert_eq!(status, 400);
    assert!(error["error"].is_string());
    assert_eq!(
        control(
            &sb,
            "POST",
            "/_sandbox/config",
            json!({"fault_kinds": ["boom"]})
        )
        .0,
        400
    );
    assert_eq!(
        control(&sb, "POST", "/_sandbox/config", json!({"latency": 1})).0,
        400
    );
}

#[test]
fn seed_publishers_theme_and_operators_controls_work_over_http() {
    let sb = sandbox();
    let (status, r) = control(
        &sb,
        "POST",
        "/_sandbox/seed-publishers",
        json!({"operator": "acme", "count": 100, "package": "gold", "prefix": "pub", "status": "SUSPENDED"}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        (r["first"].as_i64(), r["last"].as_i64(), r["count"].as_i64()),
        (Some(3), Some(102), Some(100))
    );
    let links = results(ok(acme(
        &sb,
        "publisherLink.get",
        &[json!({"status": "SUSPENDED", "publisher.username": "pub100/1"})],
    )));
    assert_eq!(links[0]["publisher"]["id"], 102);
    assert_eq!(
        control(
            &sb,
            "POST",
            "/_sandbox/seed-publishers",
            json!({"operator": "nobody", "count": 1})
        )
        .0,
        404
    );
    assert_eq!(
        control(
            &sb,
            "POST",
            "/_sandbox/seed-publishers",
            json!({"operator": "acme", "count": 1, "package": "gold", "prefix": "pub"})
        )
        .0,
        409
    );

    let (status, _) = control(
        &sb,
        "POST",
        "/_sandbox/theme",
        json!({"operator": "acme", "portalUrl": "https://cdn.acme.test", "portalName": "acme"}),
    );
    assert_eq!(status, 200);
    let theme = results(ok(acme(&sb, "themability.get", &[json!({"operator": 1})])));
    assert_eq!(theme[0]["portalName"], "acme");

    let (status, r) = control(
        &sb,
        "POST",
        "/_sandbox/operators",
        json!({"username": "newop", "authKey": "newkey"}),
    );
    assert_eq!(status, 200);
    let me = results(ok(call_as(
        &sb,
        "newop",
        "newkey",
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], r["id"]);
    assert_eq!(
        control(
            &sb,
            "POST",
            "/_sandbox/operators",
            json!({"username": "ACME", "authKey": "x"})
        )
        .0,
        409
    );
    assert_eq!(
        control(
            &sb,
            "POST",
            "/_sandbox/operators",
            json!(["not", "an", "object"])
        )
        .0,
        400
    );
}

#[test]
fn latency_holds_a_call_while_later_calls_are_answered() {
    let sb = sandbox();
    sb.set_latency_ms(HELD_MS);
    let held = send_held_call(&sb);
    // The first call waits in its latency; calls after it (without latency) overlap with it.
    sb.set_latency_ms(0);
    for _ in 0..3 {
        ok(acme(&sb, "user.get", &[json!({"self": true})]));
    }
    assert_eq!(
        held.try_recv(),
        Err(mpsc::TryRecvError::Empty),
        "the call in its latency was answered"
    );
    // Released, it is answered.
    assert_eq!(
        control(&sb, "POST", "/_sandbox/release", Value::Null).0,
        200
    );
    assert_eq!(
        held.recv_timeout(HANG_GUARD),
        Ok(false),
        "the latency was not released"
    );
    assert_eq!(
        control(&sb, "GET", "/_sandbox/received?at_least=x", Value::Null).0,
        400
    );
}

#[test]
fn a_seeded_platform_of_100000_publishers_answers_keyed_lookups() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 100_000, "gold", "p");
    let mut conn = KeepAlive::open(sb.addr());
    for i in (1..=100_000).step_by(1000) {
        let got = results(
            conn.call(
                "publisherLink.get",
                &[
                    json!("acme"),
                    json!(ACME_KEY),
                    json!({"publisher.username": format!("p{i}/1")}),
                ],
            )
            .unwrap(),
        );
        assert_eq!(got[0]["publisher"]["id"], ids[i - 1]);
        let got = results(
            conn.call(
                "user.get",
                &[json!("acme"), json!(ACME_KEY), json!({"id": ids[i - 1]})],
            )
            .unwrap(),
        );
        assert_eq!(got.len(), 1);
    }
}

/// Creates a package through a call held 300 ms by the sandbox's latency.
fn create_package_late(sb: &aflexi_sandbox::Sandbox, name: &str) {
    sb.set_latency_ms(300);
    ok(acme(
        sb,
        "bandwidthPackage.create",
        &[json!({ "name": name })],
    ));
}

#[test]
fn idle_waits_for_a_call_still_in_its_latency() {
    let sb = sandbox();
    let (_, before) = control(&sb, "GET", "/_sandbox/idle", Value::Null);
    let before = before["received"].as_u64().unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| create_package_late(&sb, "late"));
        // The package exists once idle answers: the create was received and answered.
        let (status, idle) = control(
            &sb,
            "GET",
            &format!("/_sandbox/idle?received={}", before + 1),
            Value::Null,
        );
        assert_eq!(status, 200, "{idle}");
        assert_eq!(idle["received"], before + 1);
        assert!(package_names(&sb).contains(&"late".to_string()));
    });
    assert_eq!(
        control(&sb, "GET", "/_sandbox/idle?received=x", Value::Null).0,
        400
    );
}

#[test]
fn answered_waits_for_calls_of_a_method_to_be_answered() {
    let sb = sandbox();
    let count = |method: &str| {
        control(
            &sb,
            "GET",
            &format!("/_sandbox/answered?method={method}"),
            Value::Null,
        )
        .1["answered"]
            .as_u64()
            .unwrap()
    };
    let (creates, writes) = (count("bandwidthPackage.create"), count("writes"));
    ok(acme(&sb, "user.get", &[json!({"self": true})]));
    assert_eq!(count("writes"), writes, "a read is not a write");
    std::thread::scope(|scope| {
        scope.spawn(|| create_package_late(&sb, "answered"));
        // Once the control answers, the package exists: the create was carried out.
        let path = format!(
            "/_sandbox/answered?method=bandwidthPackage.create&at_least={}",
            creates + 1
        );
        let (status, answered) = control(&sb, "GET", &path, Value::Null);
        assert_eq!(status, 200, "{answered}");
        assert!(package_names(&sb).contains(&"answered".to_string()));
    });
    assert_eq!(count("writes"), writes + 1);
    for bad in ["", "?method=", "?method=x&at_least=-1", "?method=x&other=1"] {
        let path = format!("/_sandbox/answered{bad}");
        assert_eq!(control(&sb, "GET", &path, Value::Null).0, 400, "{bad}");
    }
}
