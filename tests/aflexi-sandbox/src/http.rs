//! The HTTP server: hyper 1, HTTP/1.1 with keep-alive, and HTTP/1.0 answered as HTTP/1.0 and
//! closed (what the WHMCS IXR client needs, docs/AFLEXI-API.md#wire-format).
//!
//! Routes: `POST /core/xmlrpc` and `POST /stats/xmlrpc` (one dispatcher for both, docs/AFLEXI-API.md#endpoints;
//! faults are HTTP 200 with a fault body; `Content-Type: text/xml`), the `/_sandbox/*`
//! controls (see [`crate::control`]), and 404 for anything else. An XML-RPC request first
//! sleeps the configured latency (a tokio sleep, so concurrent requests overlap), then may
//! be failed by fault injection ([`crate::faults`]).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aflexi_core::xmlrpc::{self, Fault};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::api_fault::{ApiFault, NOT_WELL_FORMED};
use crate::control;
use crate::faults::{self, FaultKind};
use crate::persist::FLUSH_INTERVAL_MS;
use crate::portal;
use crate::{Shared, NOT_WELL_FORMED_KEY};

/// The largest request body accepted (16 MiB).
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// The error that makes hyper drop the connection without a response (the `reset` and
/// `timeout` faults, or a body that could not be read).
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

type Answer = Result<Response<Full<Bytes>>, DropConnection>;

fn response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn xml(body: String) -> Response<Full<Bytes>> {
    response(StatusCode::OK, "text/xml", body)
}

fn json_answer((status, value): control::Answer) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response(status, "application/json", value.to_string())
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    response(status, "text/plain", text)
}

/// Serves `listener` until `shutdown` completes, with the state-file writer running in the
/// background; saves the state once more before returning.
pub async fn run(listener: TcpListener, shared: Arc<Shared>, shutdown: impl Future<Output = ()>) {
    let writer = shared.has_state_file().then(|| {
        let shared = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(FLUSH_INTERVAL_MS)).await;
                let s = shared.clone();
                match tokio::task::spawn_blocking(move || s.flush()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => eprintln!("aflexi-sandbox: cannot save the state file: {e}"),
                    Err(e) => eprintln!("aflexi-sandbox: state file writer failed: {e}"),
                }
            }
        })
    });
    serve(listener, shared.clone(), shutdown).await;
    if let Some(writer) = writer {
        writer.abort();
    }
    let s = shared.clone();
    match tokio::task::spawn_blocking(move || s.flush()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => eprintln!("aflexi-sandbox: cannot save the state file: {e}"),
        Err(e) => eprintln!("aflexi-sandbox: state file writer failed: {e}"),
    }
}

/// The accept loop: one task per connection. On shutdown the open connections are closed
/// too (keep-alive ones would otherwise go on applying calls after the last save of the
/// state file, and a restarted sandbox would not know calls it had answered); a call cut off
/// this way loses its answer, and its write, if it was applied, is in the state saved next.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                eprintln!("aflexi-sandbox: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        connections.spawn(async move {
            let service = service_fn(move |req| handle(shared.clone(), req));
            // Errors here are clients going away and our own dropped connections.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    connections.shutdown().await;
}

async fn body_bytes(
    req: Request<Incoming>,
) -> Result<Result<Bytes, Response<Full<Bytes>>>, DropConnection> {
    match Limited::new(req.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(collected) => Ok(Ok(collected.to_bytes())),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Ok(Err(plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large\n",
        ))),
        Err(_) => Err(DropConnection),
    }
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Answer {
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let is_xmlrpc = path == "/core/xmlrpc" || path == "/stats/xmlrpc";
    if is_xmlrpc {
        if method != Method::POST {
            return Ok(plain(
                StatusCode::METHOD_NOT_ALLOWED,
                "XML-RPC needs POST\n",
            ));
        }
        return match body_bytes(req).await? {
            Ok(body) => xmlrpc_call(&shared, &body).await,
            Err(too_large) => Ok(too_large),
        };
    }
    if path.starts_with(portal::SCRIPT) {
        return portal_call(&shared, req).await;
    }
    let answer = match (method, path.as_str()) {
        (Method::GET, "/_sandbox/portal") => (200, portal::snapshot(&shared)),
        (Method::GET, "/_sandbox/state") => control::state(&shared),
        (Method::GET, "/_sandbox/calls") => control::calls(&shared),
        (Method::GET, "/_sandbox/usage") => {
            control::usage(&shared, req.uri().query().unwrap_or(""))
        }
        (Method::POST, "/_sandbox/reset") => control::reset(&shared),
        (Method::POST, "/_sandbox/release") => control::release(&shared),
        (Method::GET, "/_sandbox/idle") => {
            control::idle(&shared, req.uri().query().unwrap_or("")).await
        }
        (Method::GET, "/_sandbox/received") => {
            control::received(&shared, req.uri().query().unwrap_or("")).await
        }
        (Method::GET, "/_sandbox/answered") => {
            control::answered(&shared, req.uri().query().unwrap_or("")).await
        }
        (
            Method::POST,
            route @ ("/_sandbox/config"
            | "/_sandbox/seed-publishers"
            | "/_sandbox/theme"
            | "/_sandbox/operators"),
        ) => {
            let route = route.to_string();
            let body = match body_bytes(req).await? {
                Ok(body) => body,
                Err(too_large) => return Ok(too_large),
            };
            match route.as_str() {
                "/_sandbox/config" => control::config(&shared, &body),
                "/_sandbox/seed-publishers" => control::seed_publishers(&shared, &body),
                "/_sandbox/theme" => control::theme(&shared, &body),
                _ => control::add_operator(&shared, &body),
            }
        }
        _ => return Ok(plain(StatusCode::NOT_FOUND, "not found\n")),
    };
    Ok(json_answer(answer))
}

/// A request to the portal's OAuth (see [`crate::portal`]), with the URL as the client saw it.
async fn portal_call(shared: &Shared, req: Request<Incoming>) -> Answer {
    let host = req
        .headers()
        .get(hyper::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let url = format!("http://{host}{}", req.uri());
    let method = req.method().as_str().to_string();
    let authorization = req
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let body = match body_bytes(req).await? {
        Ok(body) => body,
        Err(too_large) => return Ok(too_large),
    };
    Ok(
        match portal::handle(shared, &method, &url, authorization.as_deref(), &body) {
            Some((status, content_type, text)) => response(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                content_type,
                text,
            ),
            None => plain(StatusCode::NOT_FOUND, "not found\n"),
        },
    )
}

fn fault_body(fault: ApiFault) -> String {
    xmlrpc::encode_fault(&Fault {
        code: fault.code,
        message: fault.message,
    })
}

/// Decodes, runs and encodes one call; never panics on a bad request.
fn answer_call(
    shared: &Shared,
    decoded: &Result<xmlrpc::MethodCall, aflexi_core::Error>,
) -> String {
    let call = match decoded {
        Ok(call) => call,
        // The decoder's message may quote the body (and so the secret): answer a fixed text.
        Err(_) => {
            return fault_body(ApiFault::new(
                NOT_WELL_FORMED,
                "parse error. not well formed",
            ))
        }
    };
    match shared.execute(&call.method, &call.params) {
        Ok(value) => match xmlrpc::encode_response(&value) {
            Ok(body) => body,
            Err(e) => fault_body(ApiFault::internal(format!(
                "internal error: the response cannot be encoded ({e})"
            ))),
        },
        Err(fault) => fault_body(fault),
    }
}

/// Waits `ms`, or until the test releases the held calls (`POST /_sandbox/release`).
async fn hold(ms: u64, released: &mut tokio::sync::watch::Receiver<u64>) {
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(ms)) => {}
        _ = released.changed() => {}
    }
}

async fn xmlrpc_call(shared: &Shared, body: &[u8]) -> Answer {
    // The settings a call arrived with hold for it to the end: once a test knows the call
    // arrived (`/_sandbox/received`), changing them affects only later calls.
    let settings = shared.settings();
    let mut released = shared.progress().releases();
    let mut in_flight = shared.progress().begin();
    if settings.latency_ms > 0 {
        hold(settings.latency_ms, &mut released).await;
    }
    let decoded = xmlrpc::decode_call(body);
    if let Ok(call) = &decoded {
        in_flight.method(&call.method, crate::methods::is_mutating(&call.method));
    }
    shared.count(match &decoded {
        Ok(call) => &call.method,
        Err(_) => NOT_WELL_FORMED_KEY,
    });
    let Some(injection) = shared.decide_fault(&settings) else {
        return Ok(xml(answer_call(shared, &decoded)));
    };
    if injection.kind == FaultKind::Fault {
        return Ok(xml(fault_body(ApiFault::internal(
            "injected internal error",
        ))));
    }
    let applied = injection.applied.then(|| answer_call(shared, &decoded));
    match injection.kind {
        FaultKind::Http500 => Ok(response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html",
            faults::HTTP500_BODY,
        )),
        FaultKind::Reset => Err(DropConnection),
        FaultKind::Timeout => {
            hold(settings.hang_ms, &mut released).await;
            Err(DropConnection)
        }
        FaultKind::Malformed => {
            let full = applied.unwrap_or_else(|| {
                xmlrpc::encode_response(&serde_json::json!(true)).unwrap_or_default()
            });
            Ok(xml(faults::truncate_xml(&full)))
        }
        FaultKind::Fault => Ok(xml(fault_body(ApiFault::internal(
            "injected internal error",
        )))),
    }
}
