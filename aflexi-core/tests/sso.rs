//! Single sign-on against the sandbox's portal OAuth: a locked delegate consumer, a signed
//! oauth/request, the landing page as the right publisher; and the refusals (bad signature,
//! stale timestamp, replayed nonce, another operator's publisher, a swapped username).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use aflexi_core::client::{BlockingClient, Consumer, NewPublisher};
use aflexi_core::oauth::Stamp;
use aflexi_core::Secret;
use common::*;

fn publisher(client: &BlockingClient, local: &str) -> String {
    let new = NewPublisher {
        username: local.to_string(),
        email: format!("{local}@example.com"),
        name: format!("Client {local}"),
        password: Secret::new("Initial-Pass-123"),
        package: "Gold".to_string(),
    };
    client
        .run(|c| async move { c.create_publisher(&new).await })
        .unwrap();
    client.run(|c| c.full_username(local)).unwrap()
}

/// GET over HTTP/1.0: (status, body).
fn get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

fn register(client: &BlockingClient, portal: &str, local: &str) -> aflexi_core::Result<Consumer> {
    client.run(|c| c.register_sso_consumer(portal, local, "http://whmcs.test/"))
}

fn login_url(
    client: &BlockingClient,
    portal: &str,
    consumer: &Consumer,
    local: &str,
    stamp: Option<Stamp>,
) -> aflexi_core::Result<String> {
    client.run(|c| async move {
        match stamp {
            Some(s) => c.sso_login_url_stamped(portal, consumer, local, &s).await,
            None => c.sso_login_url(portal, consumer, local).await,
        }
    })
}

#[test]
fn a_locked_consumer_logs_the_publisher_in_once() {
    let sb = sandbox();
    let client = client(&sb);
    let alice = publisher(&client, "alice");
    let portal = format!("{}/p/acme", sb.url());
    let consumer = register(&client, &portal, "alice").unwrap();
    let url = login_url(&client, &portal, &consumer, "alice", None).unwrap();
    assert!(url.starts_with(&format!(
        "{}/mini_publisher.php/?app=whmcs&oauth_token=",
        sb.url()
    )));
    let (status, page) = get(&url);
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&format!("<b id=\"publisher\">{alice}</b>")),
        "{page}"
    );
    assert!(
        page.contains(&format!("<b id=\"locked-to\">{alice}</b>")),
        "{page}"
    );
    // A token logs in once.
    assert_eq!(get(&url).0, 403);
    // The consumer is reused: a second click is one more oauth/request, no new consumer.
    let again = login_url(&client, &portal, &consumer, "alice", None).unwrap();
    assert_eq!(get(&again).0, 200);
    let portal_state: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/_sandbox/portal", sb.url())).1).unwrap();
    assert_eq!(portal_state["consumers"].as_array().unwrap().len(), 1);
    assert_eq!(portal_state["consumers"][0]["publisher"], alice.as_str());
    assert_eq!(portal_state["consumers"][0]["mode"], "locked");
    assert_eq!(portal_state["consumers"][0]["type"], "delegate");
}

#[test]
fn the_token_does_not_log_in_another_publisher() {
    let sb = sandbox();
    let client = client(&sb);
    publisher(&client, "alice");
    let bob = publisher(&client, "bob");
    let consumer = register(&client, &sb.url(), "alice").unwrap();
    let url = login_url(&client, &sb.url(), &consumer, "alice", None).unwrap();
    let swapped = format!(
        "{}auth_username={}",
        url.split("auth_username=").next().unwrap(),
        aflexi_core::oauth::encode(&bob)
    );
    let (status, page) = get(&swapped);
    assert_eq!(status, 403);
    assert!(!page.contains(&bob));
}

#[test]
fn the_portal_refuses_bad_signatures_stale_and_replayed_requests() {
    let sb = sandbox();
    let client = client(&sb);
    publisher(&client, "alice");
    let portal = sb.url();
    let consumer = register(&client, &portal, "alice").unwrap();

    let forged = Consumer {
        key: consumer.key.clone(),
        secret: Secret::new("not-the-secret"),
    };
    let bad = login_url(&client, &portal, &forged, "alice", None).unwrap_err();
    assert_eq!(bad.kind(), "authentication", "{bad}");

    let mut stale = Stamp::now();
    stale.timestamp -= 3600;
    let expired = login_url(&client, &portal, &consumer, "alice", Some(stale)).unwrap_err();
    assert_eq!(expired.kind(), "authentication", "{expired}");

    let stamp = Stamp::now();
    login_url(&client, &portal, &consumer, "alice", Some(stamp.clone())).unwrap();
    let replayed = login_url(&client, &portal, &consumer, "alice", Some(stamp)).unwrap_err();
    assert_eq!(replayed.kind(), "authentication", "{replayed}");

    let state: serde_json::Value =
        serde_json::from_str(&get(&format!("{portal}/_sandbox/portal")).1).unwrap();
    let refused: Vec<&str> = state["refused"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        refused,
        [
            "request: bad signature",
            "request: timestamp expired",
            "request: nonce replayed"
        ]
    );
}

#[test]
fn an_operator_cannot_register_for_another_operators_publisher() {
    let sb = sandbox();
    let acme = client(&sb);
    publisher(&acme, "alice");
    let alice = acme.run(|c| c.full_username("alice")).unwrap();
    let mut rival_config = config(&sb);
    rival_config.login = OTHER.to_string();
    rival_config.auth_key = Secret::new(OTHER_KEY);
    let rival = BlockingClient::new(rival_config).unwrap();
    let refused = register(&rival, &sb.url(), &alice).unwrap_err();
    assert_eq!(refused.kind(), "authentication", "{refused}");
}

#[test]
fn an_unreachable_portal_is_a_transport_error() {
    let sb = sandbox();
    let client = client(&sb);
    publisher(&client, "alice");
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = register(&client, &closed, "alice").unwrap_err();
    assert_eq!(error.kind(), "refused", "{error}");
}
