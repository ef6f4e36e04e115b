//! The client against an XML-RPC server that is not ours : Python's standard
//! `xmlrpc.server` and hand-written answers, served by `tests/conformance/server.py`.
//! Needs `python3` on the PATH (it is on every machine of the project).

mod python_server;

use std::io::{Read, Write};
use std::time::Duration;

use python_server::PythonServer;

use aflexi_core::client::{BlockingClient, ClientConfig, Terminated};
use aflexi_core::error::TransportKind;
use aflexi_core::Error;

/// The Python server, with what the tests ask of it.
struct Server(PythonServer);

impl Server {
    fn start() -> Server {
        Server(PythonServer::start(None))
    }

    fn url(&self, prefix: &str) -> String {
        format!("http://127.0.0.1:{}/{prefix}/core/xmlrpc", self.0.port)
    }

    /// A client of the standard server, or of one odd case.
    fn client(&self, prefix: &str, tune: impl FnOnce(&mut ClientConfig)) -> BlockingClient {
        let mut config = ClientConfig::new(self.url(prefix), "op", "conformance-key").unwrap();
        config.operator_id = Some(7);
        config.retry_backoff = Duration::from_millis(5);
        config.request_timeout = Duration::from_secs(10);
        tune(&mut config);
        BlockingClient::new(config).unwrap()
    }

    fn odd(&self, case: &str) -> BlockingClient {
        self.client(&format!("odd/{case}"), |_| {})
    }

    /// What the server says on `GET /<what>/<case>`.
    fn ask(&self, what: &str, case: &str) -> String {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.0.port)).unwrap();
        write!(
            stream,
            "GET /{what}/{case} HTTP/1.0\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer.split("\r\n\r\n").nth(1).unwrap_or("").to_string()
    }

    fn calls(&self, case: &str) -> u32 {
        self.ask("_count", case).trim().parse().unwrap()
    }
}

fn limit_of(server: &Server, case: &str) -> Result<Option<i64>, Error> {
    let packages = server.odd(case).run(|c| c.list_packages())?;
    assert_eq!(packages.len(), 1, "{case}");
    Ok(packages[0].bandwidth_limit_gb)
}

fn name_of(server: &Server, case: &str) -> String {
    let packages = server.odd(case).run(|c| c.list_packages()).unwrap();
    packages[0].name.clone()
}

fn transport_kind(e: &Error) -> Option<TransportKind> {
    match e {
        Error::Transport { kind, .. } => Some(*kind),
        _ => None,
    }
}

// ---------------------------------------------------------------- what servers send

#[test]
fn python_standard_server_doubles_are_read_as_their_value() {
    let server = Server::start();
    let client = server.client("std", |_| {});
    let packages = client.run(|c| c.list_packages()).unwrap();
    let gold = packages.iter().find(|p| p.name == "gold").unwrap();
    assert_eq!(gold.bandwidth_limit_gb, Some(100), "<double>100.0</double>");
    let unlimited = packages.iter().find(|p| p.name == "unlimited").unwrap();
    assert_eq!(unlimited.bandwidth_limit_gb, None, "<double>-1.0</double>");
}

#[test]
fn python_standard_server_verifies_credentials_and_pages() {
    let server = Server::start();
    let client = server.client("std", |c| {
        c.operator_id = None;
        c.page_size = 100;
    });
    assert_eq!(client.run(|c| c.verify_credentials()).unwrap().id, 7);
    let all = client.run(|c| c.list_publishers()).unwrap();
    assert_eq!(all.len(), 1203);
    assert_eq!(
        all.last()
            .unwrap()
            .package
            .as_ref()
            .unwrap()
            .bandwidth_limit_gb,
        None
    );
}

#[test]
fn every_integer_spelling_is_read() {
    let server = Server::start();
    for case in ["int", "i4", "i8", "ex_i8", "double", "untyped", "pretty"] {
        assert_eq!(limit_of(&server, case).unwrap(), Some(100), "{case}");
    }
    assert_eq!(limit_of(&server, "big").unwrap(), Some(5_000_000_000));
}

#[test]
fn a_fraction_or_a_word_is_an_error_naming_member_and_method() {
    let server = Server::start();
    for case in ["fraction", "word"] {
        let e = limit_of(&server, case).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, Error::Protocol(_)), "{case}: {text}");
        assert!(text.contains("'bandwidthLimit'"), "{case}: {text}");
        assert!(text.contains("bandwidthPackage.get"), "{case}: {text}");
    }
}

#[test]
fn nil_entities_cdata_and_latin1_are_read() {
    let server = Server::start();
    assert_eq!(name_of(&server, "nil"), "");
    assert_eq!(name_of(&server, "entities"), "A&B \u{263A} <c>");
    assert_eq!(name_of(&server, "latin1"), "Caf\u{e9}");
}

/// The server answers these cases compressed only to a request that accepts the encoding
/// (`Accept-Encoding`), and a 400 otherwise: reading them shows the client asks for both.
#[test]
fn compressed_chunked_and_close_delimited_bodies_are_read() {
    let server = Server::start();
    for case in ["gzip", "deflate", "chunked", "close"] {
        assert_eq!(limit_of(&server, case).unwrap(), Some(100), "{case}");
    }
}

// ---------------------------------------------------------------- 64-bit ids

#[test]
fn an_id_above_2_to_the_31_goes_out_as_i8_and_comes_back() {
    let server = Server::start();
    let big = 5_000_000_000_i64;
    let p = server.odd("echo_id").run(|c| c.get_publisher(big)).unwrap();
    assert_eq!(p.id, big);
    let small = server.odd("echo_id").run(|c| c.get_publisher(12)).unwrap();
    assert_eq!(small.id, 12);
}

// ---------------------------------------------------------------- paging

#[test]
fn a_server_that_ignores_the_offset_stops_the_listing() {
    let server = Server::start();
    let client = server.client("odd/ignores_offset", |c| c.page_size = 50);
    let text = client.run(|c| c.list_publishers()).unwrap_err().to_string();
    assert!(text.contains("firstResultIndex"), "{text}");
    assert_eq!(
        server.calls("ignores_offset"),
        2,
        "one page, then the repeat"
    );
}

#[test]
fn a_server_that_ignores_the_page_size_stops_the_listing() {
    let server = Server::start();
    let client = server.client("odd/ignores_maximum", |c| c.page_size = 50);
    let text = client.run(|c| c.list_publishers()).unwrap_err().to_string();
    assert!(text.contains("maximumResults"), "{text}");
    let page = client.run(|c| c.list_publishers_page(0, 50)).unwrap_err();
    assert!(page.to_string().contains("maximumResults"), "{page}");
}

#[test]
fn a_listing_that_never_ends_is_stopped_at_the_row_cap() {
    let server = Server::start();
    let client = server.client("odd/endless", |c| {
        c.page_size = 100;
        c.max_listed_rows = 1000;
    });
    let text = client.run(|c| c.list_publishers()).unwrap_err().to_string();
    assert!(text.contains("more than 1000 rows"), "{text}");
    assert_eq!(server.calls("endless"), 11);
}

#[test]
fn pages_shorter_than_asked_lose_nothing() {
    let server = Server::start();
    let client = server.client("odd/short_pages", |c| c.page_size = 50);
    assert_eq!(client.run(|c| c.list_publishers()).unwrap().len(), 10);
}

// ---------------------------------------------------------------- errors with a kind

#[test]
fn an_http_500_with_a_fault_body_is_that_fault() {
    let server = Server::start();
    let e = server
        .odd("fault500")
        .run(|c| c.list_packages())
        .unwrap_err();
    assert_eq!(
        e,
        Error::Fault {
            code: 42,
            message: "the database is read-only".into()
        }
    );
    assert_eq!(server.calls("fault500"), 1, "a fault is not repeated");
}

#[test]
fn an_http_error_without_a_fault_is_its_status() {
    let server = Server::start();
    let e = server
        .odd("html404")
        .run(|c| c.list_packages())
        .unwrap_err();
    assert_eq!(transport_kind(&e), Some(TransportKind::Status(404)), "{e}");
    assert_eq!(e.kind(), "http_status");
    assert_eq!(server.calls("html404"), 1, "a 4xx is not repeated");
    // A large error page is still its status (and a 503 is repeated), not "too large".
    let client = server.client("odd/huge503", |c| {
        c.max_response_bytes = 100_000;
        c.read_retries = 1;
    });
    let e = client.run(|c| c.list_packages()).unwrap_err();
    assert_eq!(transport_kind(&e), Some(TransportKind::Status(503)), "{e}");
    assert_eq!(server.calls("huge503"), 2);
}

#[test]
fn a_not_found_fault_is_not_found_and_terminate_reports_already_gone() {
    let server = Server::start();
    let client = server.odd("notfound");
    let e = client.run(|c| c.list_packages()).unwrap_err();
    assert!(matches!(e, Error::NotFound(_)), "{e:?}");
    // The server's text is for the log, not for the message an administrator is shown.
    assert!(!e.to_string().contains("5,7"), "{e}");
    let log = format!("{:?}", client.client().take_call_log());
    assert!(log.contains("publisher link 5,7 not found"), "{log}");
    // On the standard server: deleting a link twice, the second time it is already gone.
    let client = server.client("std", |_| {});
    assert_eq!(client.run(|c| c.terminate(5)).unwrap(), Terminated::Deleted);
    assert_eq!(
        client.run(|c| c.terminate(5)).unwrap(),
        Terminated::AlreadyGone
    );
}

#[test]
fn an_answer_over_the_limit_is_refused_once_naming_the_limit() {
    let server = Server::start();
    let client = server.client("odd/toolarge", |c| c.max_response_bytes = 10_000);
    let e = client.run(|c| c.list_packages()).unwrap_err();
    assert_eq!(transport_kind(&e), Some(TransportKind::TooLarge), "{e}");
    assert!(e.to_string().contains("10000 bytes"), "{e}");
    assert_eq!(server.calls("toolarge"), 1);
}

#[test]
fn the_limit_applies_to_the_inflated_body_of_a_compressed_answer() {
    let server = Server::start();
    let client = server.client("odd/gzip_large", |c| c.max_response_bytes = 100_000);
    let e = client.run(|c| c.list_packages()).unwrap_err();
    assert_eq!(transport_kind(&e), Some(TransportKind::TooLarge), "{e}");
    assert!(e.to_string().contains("100000 bytes"), "{e}");
    assert_eq!(server.calls("gzip_large"), 1);
}

#[test]
fn refused_dns_tls_and_timeout_are_distinct_kinds() {
    let server = Server::start();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap().port();
    drop(listener);
    let kind_at = |url: String, tune: &dyn Fn(&mut ClientConfig)| {
        let mut config = ClientConfig::new(url, "op", "conformance-key").unwrap();
        config.operator_id = Some(7);
        config.read_retries = 0;
        tune(&mut config);
        let e = BlockingClient::new(config)
            .unwrap()
            .run(|c| c.list_packages())
            .unwrap_err();
        e.kind()
    };
    let none = |_: &mut ClientConfig| {};
    assert_eq!(
        kind_at(format!("http://127.0.0.1:{closed}/core/xmlrpc"), &none),
        "refused"
    );
    assert_eq!(
        kind_at("http://no-such-host.invalid/core/xmlrpc".into(), &none),
        "dns"
    );
    // TLS spoken to a plain-HTTP server.
    assert_eq!(
        kind_at(
            format!("https://127.0.0.1:{}/std/core/xmlrpc", server.0.port),
            &none
        ),
        "tls"
    );
    let short = |c: &mut ClientConfig| c.request_timeout = Duration::from_millis(300);
    assert_eq!(kind_at(server.url("odd/slow"), &short), "timeout");
}

// ---------------------------------------------------------------- retries

#[test]
fn a_read_fault_costs_one_round_trip() {
    let server = Server::start();
    let e = server.odd("fault").run(|c| c.list_packages()).unwrap_err();
    assert!(matches!(e, Error::Fault { code: 3, .. }), "{e:?}");
    assert_eq!(server.calls("fault"), 1);
}

#[test]
fn reads_are_repeated_after_5xx_and_429_honouring_retry_after() {
    let server = Server::start();
    let client = server.client("odd/retry503", |c| c.read_retries = 2);
    assert_eq!(client.run(|c| c.list_packages()).unwrap().len(), 1);
    assert_eq!(
        server.calls("retry503"),
        4,
        "two 503s, the page, the empty page"
    );

    let client = server.client("odd/retry429", |c| c.read_retries = 2);
    assert_eq!(client.run(|c| c.list_packages()).unwrap().len(), 1);
    assert_eq!(server.calls("retry429"), 3);
    let gap: f64 = server.ask("_gap", "retry429").trim().parse().unwrap();
    assert!(gap >= 1.0, "Retry-After: 1 was not honoured ({gap} s)");

    let client = server.client("odd/status400", |c| c.read_retries = 2);
    assert!(client.run(|c| c.list_packages()).is_err());
    assert_eq!(server.calls("status400"), 1, "a 400 is not repeated");
}
