//! A tiny HTTP server on loopback that answers with whatever bytes a test gives it: an answer
//! recorded from the sandbox and then mutated, one trickled a byte at a time (slow-loris), or
//! one near the client's size limit. The sandbox proper always speaks correct HTTP; this is
//! for the drills of the client's wire path (docs/RELIABILITY.md, (i) and (j)).
//!
//! Each connection gets one answer and is then closed, so a client never waits on a
//! keep-alive connection that will not answer again.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// One HTTP request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The path of the request line, e.g. `/core/xmlrpc`.
    pub path: String,
    /// The body (an XML-RPC call).
    pub body: Vec<u8>,
}

impl Request {
    /// The XML-RPC method the body calls, or "" when there is none.
    pub fn method(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.split_once("<methodName>")
            .and_then(|(_, rest)| rest.split_once("</methodName>"))
            .map(|(name, _)| name.to_string())
            .unwrap_or_default()
    }
}

/// What the server sends back.
#[derive(Debug, Clone)]
pub enum Answer {
    /// These bytes, exactly (status line, headers and body), then the connection is closed.
    Raw(Vec<u8>),
    /// The same, shared by every connection (a large answer held once, for memory drills).
    Shared(Arc<Vec<u8>>),
    /// A 200 whose body is sent one byte every `every`; `Content-Length` announces it whole.
    /// The server stops once the client has gone.
    Trickle {
        /// The XML-RPC body.
        body: Vec<u8>,
        /// The pause between two bytes.
        every: Duration,
    },
}

/// A 200 answer with `body`, with or without a `Content-Length` (without one the body ends
/// when the connection closes).
pub fn ok(body: &[u8], content_length: bool) -> Vec<u8> {
    let mut head =
        String::from("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n");
    if content_length {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Sends `request` to the HTTP server at `upstream` (the sandbox) and returns its whole answer,
/// status line and headers included: how answers are recorded.
pub fn forward(upstream: SocketAddr, request: &Request) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(upstream)?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {upstream}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        request.path,
        request.body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&request.body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(answer)
}

type Respond = dyn Fn(&Request) -> Answer + Send + Sync;

/// The server; stopped when dropped.
pub struct Wire {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Wire {
    /// Listens on a free loopback port and answers every request with `respond`.
    pub fn start(respond: impl Fn(&Request) -> Answer + Send + Sync + 'static) -> io::Result<Wire> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let respond: Arc<Respond> = Arc::new(respond);
        let accept = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (respond, stop) = (Arc::clone(&respond), Arc::clone(&stop));
                    thread::spawn(move || {
                        let _ = serve(stream, &*respond, &stop);
                    });
                }
            })
        };
        Ok(Wire {
            addr,
            stop,
            accept: Some(accept),
        })
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Wire {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(stream: TcpStream, respond: &Respond, stop: &AtomicBool) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    let mut stream = stream;
    match respond(&request) {
        Answer::Raw(bytes) => stream.write_all(&bytes)?,
        Answer::Shared(bytes) => stream.write_all(&bytes)?,
        Answer::Trickle { body, every } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            for byte in body {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                // The pause is the fault itself (a slow-loris server), not a test waiting.
                thread::sleep(every);
                stream.write_all(&[byte])?;
            }
        }
    }
    stream.flush()?;
    stream.shutdown(Shutdown::Both)
}

/// Reads one request (request line, headers, `Content-Length` bytes of body); `None` when the
/// connection closed first (the wake-up connection of `Drop`).
fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some(Request { path, body }))
}
