//! `bandwidthPackage.*` (docs/AFLEXI-API.md#bandwidth-package), `security.update`
//! (#security-update), `themability.get` (#themability-get), `stats.getSummaries` (#stats) and `system.listMethods`, over HTTP.

mod common;

use aflexi_core::xmlrpc::datetime;
use aflexi_sandbox::usage_mb;
use common::*;
use serde_json::{json, Value};

#[test]
fn package_create_applies_the_whmcs_defaults() {
    let sb = sandbox();
    let id = acme_package(&sb, "gold");
    let got = results(ok(acme(
        &sb,
        "bandwidthPackage.get",
        &[json!({"user": "acme", "id": id})],
    )));
    assert_eq!(got.len(), 1);
    let p = &got[0];
    assert_eq!(p["name"], "gold");
    assert_eq!(p["type"], "PUBLISHER_LINK");
    assert_eq!(p["user"]["id"], 1);
    let numbers: Vec<i64> = [
        "bandwidthLimit",
        "diskSpaceLimit",
        "speedLimit",
        "resourceLimit",
    ]
    .iter()
    .map(|k| p[k].as_i64().unwrap())
    .collect();
    assert_eq!(numbers, vec![-1, 999_999, 9_999, 99]);
    let flags: Vec<bool> = [
        "dedicatedBandwidth",
        "streamingAllowed",
        "sslEnabled",
        "servingAllLocations",
        "canHaveHttpPull",
        "canHaveHttpPush",
        "canHaveLive",
        "canHaveVod",
    ]
    .iter()
    .map(|k| p[k].as_bool().unwrap())
    .collect();
    assert_eq!(
        flags,
        vec![false, false, false, true, true, false, false, false]
    );
}

#[test]
fn package_names_are_unique_per_operator() {
    let sb = sandbox();
    acme_package(&sb, "gold");
    let f = fault(acme(
        &sb,
        "bandwidthPackage.create",
        &[json!({"name": "gold", "bandwidthLimit": 10})],
    ));
    assert_eq!(f.code, 409);
    // The same name under another operator is fine.
    ok(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "bandwidthPackage.create",
        &[json!({"name": "gold"})],
    ));
    assert_eq!(sb.state()["packages"].as_array().unwrap().len(), 2);
}

#[test]
fn a_numeric_package_name_sent_as_an_int_is_the_same_name() {
    let sb = sandbox();
    let id = ok(acme(
        &sb,
        "bandwidthPackage.create",
        &[json!({"name": 123, "user": {"id": 1}})],
    ));
    assert_eq!(sb.state()["packages"][0]["name"], "123");
    assert_eq!(
        fault(acme(
            &sb,
            "bandwidthPackage.create",
            &[json!({"name": "123"})]
        ))
        .code,
        409
    );
    let by_int = results(ok(acme(
        &sb,
        "bandwidthPackage.get",
        &[json!({"user": "acme", "name": 123})],
    )));
    assert_eq!(by_int[0]["id"], id);
    let ids = sb.seed_publishers("acme", 1, "123", "p");
    let links = results(ok(acme(
        &sb,
        "publisherLink.get",
        &[json!({"operator": 1, "bandwidthPackage.name": [123, "other"]})],
    )));
    assert_eq!(links[0]["publisher"]["id"], ids[0]);
}

#[test]
fn package_get_lists_only_the_callers_packages_with_projection() {
    let sb = sandbox();
    let a = acme_package(&sb, "a");
    let b = acme_package(&sb, "b");
    ok(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "bandwidthPackage.create",
        &[json!({"name": "r"})],
    ));
    let got = results(ok(acme(
        &sb,
        "bandwidthPackage.get",
        &[
            json!({"user": "acme"}),
            json!({"extract": {"name": true, "id": true, "bandwidthLimit": true}}),
        ],
    )));
    assert_eq!(
        got,
        vec![
            json!({"id": a, "name": "a", "bandwidthLimit": -1}),
            json!({"id": b, "name": "b", "bandwidthLimit": -1})
        ]
    );
    let by_email = results(ok(acme(
        &sb,
        "bandwidthPackage.get",
        &[json!({"user": "acme@operators.sandbox.test", "id": [b, 999]})],
    )));
    assert_eq!(by_email.len(), 1);
    assert_eq!(
        fault(acme(
            &sb,
            "bandwidthPackage.get",
            &[json!({"user": "rival"})]
        ))
        .code,
        403
    );
    assert_eq!(
        fault(acme(
            &sb,
            "bandwidthPackage.get",
            &[json!({"user": "acme", "id": "1"})]
        ))
        .code,
        400
    );
}

#[test]
fn package_update_renames_and_refuses_duplicates() {
    let sb = sandbox();
    let a = acme_package(&sb, "a");
    acme_package(&sb, "b");
    assert_eq!(
        ok(acme(
            &sb,
            "bandwidthPackage.update",
            &[
                json!(a),
                json!({"name": "renamed", "bandwidthLimit": 500, "sslEnabled": true})
            ]
        )),
        json!(true)
    );
    let p = &sb.state()["packages"][0];
    assert_eq!(
        (
            p["name"].as_str(),
            p["bandwidthLimit"].as_i64(),
            p["sslEnabled"].as_bool()
        ),
        (Some("renamed"), Some(500), Some(true))
    );
    assert_eq!(
        fault(acme(
            &sb,
            "bandwidthPackage.update",
            &[json!(a), json!({"name": "b"})]
        ))
        .code,
        409
    );
    ok(acme(
        &sb,
        "bandwidthPackage.update",
        &[json!(a), json!({"name": "renamed"})],
    ));
    assert_eq!(
        fault(call_as(
            &sb,
            "rival",
            RIVAL_KEY,
            "bandwidthPackage.update",
            &[json!(a), json!({"name": "x"})]
        ))
        .code,
        403
    );
    assert_eq!(
        fault(acme(
            &sb,
            "bandwidthPackage.update",
            &[json!(999), json!({"name": "x"})]
        ))
        .code,
        404
    );
    assert_eq!(
        fault(acme(
            &sb,
            "bandwidthPackage.update",
            &[json!(a), json!({"bandwidthLimit": "lots"})]
        ))
        .code,
        400
    );
}

#[test]
fn admin_password_reset_lets_the_publisher_log_in_with_the_new_password() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1, "gold", "p");
    assert_eq!(
        fault(call_as(
            &sb,
            "p1/1",
            "n3w-passw0rd",
            "user.get",
            &[json!({"self": true})]
        ))
        .code,
        401
    );
    assert_eq!(
        ok(acme(
            &sb,
            "security.update",
            &[json!(ids[0]), json!(""), json!("n3w-passw0rd")]
        )),
        json!(true)
    );
    let me = results(ok(call_as(
        &sb,
        "p1/1",
        "n3w-passw0rd",
        "user.get",
        &[json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], ids[0]);
    assert_eq!(sb.state()["publishers"][0]["hasPassword"], true);
    assert!(!sb.state().to_string().contains("n3w-passw0rd"));
}

#[test]
fn password_reset_is_refused_for_strangers_and_short_passwords() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 1, "gold", "p");
    let f = fault(call_as(
        &sb,
        "rival",
        RIVAL_KEY,
        "security.update",
        &[json!(ids[0]), json!(""), json!("whatever1")],
    ));
    assert_eq!(f.code, 403);
    let f = fault(acme(
        &sb,
        "security.update",
        &[json!(ids[0]), json!(""), json!("abc")],
    ));
    assert_eq!(f.code, 400);
    assert!(!f.message.contains("abc"));
    assert_eq!(
        fault(acme(
            &sb,
            "security.update",
            &[json!(999), json!(""), json!("abcdefg")]
        ))
        .code,
        404
    );
}

#[test]
fn themability_defaults_to_the_unbranded_portal_and_shows_a_set_theme() {
    let sb = sandbox();
    let got = results(ok(acme(&sb, "themability.get", &[json!({"operator": 1})])));
    assert_eq!(
        got,
        vec![
            json!({"portalUrl": "http://portal.aflexi.net", "portalName": "", "operator": {"id": 1}})
        ]
    );
    sb.set_theme("acme", "https://cdn.acme.test", "acme");
    let got = results(ok(acme(&sb, "themability.get", &[json!({"operator": 1})])));
    assert_eq!(got[0]["portalUrl"], "https://cdn.acme.test");
    assert_eq!(got[0]["portalName"], "acme");
    assert_eq!(
        fault(acme(&sb, "themability.get", &[json!({"operator": 2})])).code,
        403
    );
    assert_eq!(
        fault(acme(&sb, "themability.get", &[json!({"operator": "1"})])).code,
        400
    );
}

fn summaries(sb: &aflexi_sandbox::Sandbox, start: &str, end: &str, kind: &str) -> Value {
    ok(call_at(
        sb,
        "/stats/xmlrpc",
        "stats.getSummaries",
        &[
            json!("acme"),
            json!(ACME_KEY),
            json!("groupByOperator"),
            json!({"summary": "DAILY", "type": kind, "startDate": datetime(start), "endDate": datetime(end), "resultFormat": "DETAIL"}),
        ],
    ))
}

fn sum(seed: u64, ids: &[i64], days: &[&str], kind: &str) -> [i64; 3] {
    let mut total = [0; 3];
    for id in ids {
        for day in days {
            let u = usage_mb(seed, *id, day, kind);
            for i in 0..3 {
                total[i] += u[i];
            }
        }
    }
    total
}

#[test]
fn stats_figures_are_the_usage_mb_sums() {
    let sb = sandbox();
    let gold = sb.seed_publishers("acme", 2, "gold", "g");
    let silver = sb.seed_publishers("acme", 1, "silver", "s");
    sb.seed_publishers("rival", 2, "gold", "r");
    let gold_pkg = sb.state()["packages"][0]["id"].to_string();
    let r = summaries(&sb, "20240228T00:00:00", "20240301T00:00:00", "HTTP");
    let days = ["20240228", "20240229", "20240301"];
    let buckets: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(buckets, ["20240228", "20240229", "20240301", "-1"]);
    let op = &r["20240229"]["1"];
    let expected = usage_mb(1, gold[1], "20240229", "HTTP");
    assert_eq!(op[&gold_pkg][gold[1].to_string()], json!(expected));
    assert_eq!(
        op["-1"][silver[0].to_string()],
        json!(usage_mb(1, silver[0], "20240229", "HTTP"))
    );
    assert_eq!(
        op[&gold_pkg]["-1"],
        json!(sum(1, &gold, &["20240229"], "HTTP"))
    );
    let all = [gold.clone(), silver.clone()].concat();
    assert_eq!(r["-1"]["1"]["-1"]["-1"], json!(sum(1, &all, &days, "HTTP")));
    assert_eq!(
        r["-1"]["1"][&gold_pkg][gold[0].to_string()],
        json!(sum(1, &gold[..1], &days, "HTTP"))
    );
    // Only the caller's operator appears.
    assert!(r["-1"].get("2").is_none());
    // Deterministic, and RTMP differs.
    assert_eq!(summaries(&sb, "2024-02-28", "2024-03-01", "HTTP"), r);
    let rtmp = summaries(&sb, "20240228T00:00:00", "20240301T00:00:00", "RTMP");
    assert_eq!(
        rtmp["-1"]["1"]["-1"]["-1"],
        json!(sum(1, &all, &days, "RTMP"))
    );
}

#[test]
fn stats_for_the_1970_dates_of_the_old_plugin_are_empty() {
    let sb = sandbox();
    sb.seed_publishers("acme", 3, "gold", "g");
    let r = summaries(&sb, "19700101T00:00:00", "19700101T00:00:00", "HTTP");
    assert_eq!(r, json!({"19700101": {}, "-1": {}}));
}

#[test]
fn stats_can_be_limited_to_publishers_and_refuse_bad_queries() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 3, "gold", "g");
    let r = ok(call_at(
        &sb,
        "/stats/xmlrpc",
        "stats.getSummaries",
        &[
            json!("acme"),
            json!(ACME_KEY),
            json!("groupByOperator"),
            json!({"summary": "DAILY", "type": "HTTP", "startDate": "20240101T00:00:00", "endDate": "20240101T00:00:00", "publisher": [ids[2]]}),
        ],
    ));
    let level4 = r["20240101"]["1"]["-1"].as_object().unwrap();
    assert_eq!(
        level4.keys().collect::<Vec<_>>(),
        [&ids[2].to_string(), "-1"]
    );
    let bad = |query: Value| {
        fault(acme(
            &sb,
            "stats.getSummaries",
            &[json!("groupByOperator"), query],
        ))
        .code
    };
    assert_eq!(
        bad(
            json!({"type": "FTP", "startDate": "20240101T00:00:00", "endDate": "20240101T00:00:00"})
        ),
        400
    );
    assert_eq!(
        bad(json!({"type": "HTTP", "startDate": "yesterday", "endDate": "20240101T00:00:00"})),
        400
    );
    assert_eq!(
        bad(
            json!({"type": "HTTP", "startDate": "20240102T00:00:00", "endDate": "20240101T00:00:00"})
        ),
        400
    );
    assert_eq!(
        fault(acme(
            &sb,
            "stats.getSummaries",
            &[json!("groupByPublisher"), json!({})]
        ))
        .code,
        400
    );
}

#[test]
fn stats_ranges_are_capped_at_62_days() {
    let sb = sandbox();
    sb.seed_publishers("acme", 1, "gold", "g");
    let r = summaries(&sb, "20240101T00:00:00", "20241231T00:00:00", "HTTP");
    let buckets = r.as_object().unwrap();
    assert_eq!(buckets.len(), 63);
    assert!(buckets.contains_key("20240302"));
    assert!(!buckets.contains_key("20240303"));
}

#[test]
fn the_stats_endpoint_serves_core_methods_and_the_core_endpoint_serves_stats() {
    let sb = sandbox();
    let me = results(ok(call_at(
        &sb,
        "/stats/xmlrpc",
        "user.get",
        &[json!("acme"), json!(ACME_KEY), json!({"self": true})],
    )));
    assert_eq!(me[0]["id"], 1);
    let r = ok(call_at(
        &sb,
        "/core/xmlrpc",
        "stats.getSummaries",
        &[
            json!("acme"),
            json!(ACME_KEY),
            json!("groupByOperator"),
            json!({"summary": "DAILY", "type": "HTTP", "startDate": "19700101T00:00:00", "endDate": "19700101T00:00:00"}),
        ],
    ));
    assert!(r.is_object());
}

#[test]
fn list_methods_names_every_method_and_unknown_methods_are_32601() {
    let sb = sandbox();
    let names = ok(call(&sb, "system.listMethods", &[]));
    let names: Vec<&str> = names
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for m in [
        "user.get",
        "user.create",
        "publisherLink.get",
        "publisherLink.update",
        "publisherLink.delete",
        "bandwidthPackage.create",
        "security.update",
        "themability.get",
        "stats.getSummaries",
    ] {
        assert!(names.contains(&m), "{m}");
    }
    let f = fault(acme(&sb, "prefs.get", &[]));
    assert_eq!(f.code, -32601);
}

#[test]
fn the_usage_control_is_the_month_total_of_stats_get_summaries() {
    let sb = sandbox();
    let ids = sb.seed_publishers("acme", 2, "gold", "g");
    let month_total = |id: i64| -> i64 {
        ["HTTP", "RTMP"]
            .iter()
            .map(|kind| {
                let r = summaries(&sb, "20240201T00:00:00", "20240229T23:59:59", kind);
                r["-1"]["1"]["-1"][id.to_string()][2].as_i64().unwrap()
            })
            .sum()
    };
    let path = format!(
        "/_sandbox/usage?year=2024&month=2&publisher={}%2C{}",
        ids[0], ids[1]
    );
    let (status, body) = control(&sb, "GET", &path, Value::Null);
    assert_eq!(status, 200);
    assert_eq!(body["year"], 2024);
    assert_eq!(body["month"], 2);
    for id in &ids {
        let expected = month_total(*id);
        assert!(expected > 0);
        assert_eq!(body["mb"][id.to_string()], json!(expected));
    }
    // Before the data epoch there is no traffic; a new seed gives other figures.
    let (_, old) = control(
        &sb,
        "GET",
        &format!("/_sandbox/usage?year=1970&month=1&publisher={}", ids[0]),
        Value::Null,
    );
    assert_eq!(old["mb"][ids[0].to_string()], json!(0));
    let (_, _) = control(&sb, "POST", "/_sandbox/config", json!({"seed": 9}));
    let (_, reseeded) = control(&sb, "GET", &path, Value::Null);
    assert_ne!(reseeded["mb"], body["mb"]);
    // Bad queries are 400 and say why.
    for bad in [
        "/_sandbox/usage?year=2024&publisher=1",
        "/_sandbox/usage?year=2024&month=13&publisher=1",
        "/_sandbox/usage?year=2024&month=2",
        "/_sandbox/usage?year=2024&month=2&publisher=x",
        "/_sandbox/usage?year=2024&month=2&publisher=1&what=1",
    ] {
        let (status, body) = control(&sb, "GET", bad, Value::Null);
        assert_eq!(status, 400, "{bad}");
        assert!(body["error"].is_string(), "{bad}");
    }
}
