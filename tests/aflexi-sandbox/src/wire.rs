//! A tiny HTTP server on loopback that answers with whatever bytes a test gives it: an answer
//! recorded from the sandbox and then mutated, one trickled a byte at a time (slow-loris), or
//! one near the client's size limit. The sandbox proper always speaks correct HTTP; this is
//! for the drills of the client's wire path (docs/RELIABILITY.md, (i) and (j)).
//!
//! Each connection gets one answer and is then closed, so a client never waits on a
//! keep-alive connection that will not answer again.
//!
//! The mutations, the padding and the seeding live here so that the core's drills
//! (`aflexi-core/tests/wire_fuzz.rs`, `wire_limits.rs`) and the PHP ones (through the
//! `aflexi-wire` binary, `src/bin/aflexi-wire.rs`) do exactly the same to an answer.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

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

/// Bytes a mutation likes to write: markup, digits, signs, line ends, NUL, invalid UTF-8.
const INTERESTING: &[u8] = b"<>/&;\"'0123456789-+.eE \r\n\t\0\xff\xc3";
/// XML-RPC tags a structural mutation swaps for one another.
const TAGS: [&str; 12] = [
    "int", "i4", "i8", "string", "struct", "array", "boolean", "double", "member", "name", "value",
    "data",
];

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// The random source of the `n`-th answer (from 1) to `method` in the case seeded `seed`: an
/// operation may make calls at once, so their order of arrival must not change what each gets.
pub fn rng_for(seed: u64, method: &str, n: u64) -> StdRng {
    let name = method.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    StdRng::seed_from_u64(seed ^ name ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// A whole HTTP answer as a fuzz case serves it: one in eight unchanged (so later calls of an
/// operation are reached), the others with 1 to 3 [`mutate`]s; always with
/// `Connection: close`, which keeps the client from reusing the connection (a case's outcome
/// would then depend on when it noticed the close).
pub fn mutated(answer: &[u8], rng: &mut StdRng) -> Vec<u8> {
    let mut bytes = answer.to_vec();
    if rng.random_range(0..8) != 0 {
        for _ in 0..rng.random_range(1..4) {
            mutate(&mut bytes, rng);
        }
    }
    if let Some(line_end) = find(&bytes, b"\r\n", 0) {
        bytes.splice(
            line_end + 2..line_end + 2,
            b"Connection: close\r\n".iter().copied(),
        );
    }
    bytes
}

/// One random mutation of `bytes`, in place: a bit flip, a markup byte, a cut, a repeated
/// run, noise, a truncation, a number made huge, negative or empty, an element's tags swapped
/// for another type's, or an element removed whole.
pub fn mutate(bytes: &mut Vec<u8>, rng: &mut StdRng) {
    let len = bytes.len().max(1);
    let at = rng.random_range(0..len).min(bytes.len());
    match rng.random_range(0..9) {
        0 if !bytes.is_empty() => {
            let i = rng.random_range(0..bytes.len());
            bytes[i] ^= 1 << rng.random_range(0..8);
        }
        1 if !bytes.is_empty() => {
            let i = rng.random_range(0..bytes.len());
            bytes[i] = INTERESTING[rng.random_range(0..INTERESTING.len())];
        }
        2 => {
            let end = (at + rng.random_range(1..64)).min(bytes.len());
            bytes.drain(at..end);
        }
        3 => {
            let end = (at + rng.random_range(1..256)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let times = rng.random_range(1..4);
            for _ in 0..times {
                bytes.splice(at..at, copy.iter().copied());
            }
        }
        4 => bytes.truncate(at),
        5 => {
            let n = rng.random_range(1..16);
            let noise: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            bytes.splice(at..at, noise);
        }
        6 => {
            // A number in the headers or the body becomes huge, negative or empty.
            let digits = bytes[at..].iter().position(u8::is_ascii_digit);
            if let Some(start) = digits.map(|d| d + at) {
                let end = bytes[start..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(bytes.len(), |e| e + start);
                let with: &[u8] = [&b"99999999999999999999999"[..], b"-1", b"", b"0", b"1e309"]
                    [rng.random_range(0..5)];
                bytes.splice(start..end, with.iter().copied());
            }
        }
        7 => {
            // One element's tag pair becomes another type: a well-formed answer of the wrong
            // shape.
            let from = TAGS[rng.random_range(0..TAGS.len())];
            let to = TAGS[rng.random_range(0..TAGS.len())];
            let open = format!("<{from}>");
            let close = format!("</{from}>");
            if let Some(o) =
                find(bytes, open.as_bytes(), at).or_else(|| find(bytes, open.as_bytes(), 0))
            {
                bytes.splice(o..o + open.len(), format!("<{to}>").into_bytes());
                if let Some(c) = find(bytes, close.as_bytes(), o) {
                    bytes.splice(c..c + close.len(), format!("</{to}>").into_bytes());
                }
            }
        }
        _ => {
            // An element and its content, removed whole.
            let tag = TAGS[rng.random_range(0..TAGS.len())];
            let open = format!("<{tag}>");
            let close = format!("</{tag}>");
            if let Some(o) = find(bytes, open.as_bytes(), at) {
                if let Some(c) = find(bytes, close.as_bytes(), o) {
                    bytes.drain(o..c + close.len());
                }
            }
        }
    }
}

/// The body (after the headers) of a whole HTTP answer, or `None` when it has no end of
/// headers.
pub fn body_of(answer: &[u8]) -> Option<&[u8]> {
    find(answer, b"\r\n\r\n", 0).map(|at| &answer[at + 4..])
}

/// An XML-RPC answer body grown to exactly `size` bytes with white space after its
/// `<methodResponse>` (still the same valid answer); `None` when it has no such tag or is
/// already larger.
pub fn padded(body: &[u8], size: usize) -> Option<Vec<u8>> {
    let tag = b"<methodResponse>";
    let at = find(body, tag, 0)? + tag.len();
    let pad = size.checked_sub(body.len())?;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&body[..at]);
    out.resize(at + pad, b' ');
    out.extend_from_slice(&body[at..]);
    Some(out)
}
