#!/usr/bin/env python3
"""An XML-RPC server that is not ours, for the conformance suite.

Two kinds of answers on one loopback port (printed as "PORT <n>" on the first line; the
server stops when its standard input closes, so it never outlives the test that started it):

* /std/core/xmlrpc, /std/stats/xmlrpc: a small Aflexi (one operator, packages, publishers)
  whose every answer is encoded by Python's standard library (xmlrpc.server's dispatcher):
  limits are floats, so they go out as <double>100.0</double>, and faults as Python writes them.
* /odd/<case>/...: hand-written answers for what other servers legally send (and a few they
  should not), one function per case below.

With `--tls CERT KEY` it speaks HTTPS with that certificate.

GET /_count/<case> tells how many calls a case received; GET /_gap/<case> the seconds between
its first and last call (to check that Retry-After was honoured).
"""

import gzip
import os
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xmlrpc.client import Fault, loads
from xmlrpc.server import SimpleXMLRPCDispatcher

OPERATOR = 7
# How many publishers the standard server has (CONFORMANCE_PUBLISHERS, for measurements).
PUBLISHERS = int(os.environ.get("CONFORMANCE_PUBLISHERS", "1203"))

# ---------------------------------------------------------------- the standard server

packages = [
    {"id": 1, "name": "gold", "bandwidthLimit": 100.0},
    {"id": 2, "name": "unlimited", "bandwidthLimit": -1.0},
]
links = {
    i: {"status": "ACTIVE", "package": 1 + (i % 2)} for i in range(1, PUBLISHERS + 1)
}
state_lock = threading.Lock()


def publisher(i):
    return {"id": i, "username": f"user{i}/{OPERATOR}", "email": f"u{i}@example.test", "name": f"User {i}"}


def link_row(i):
    link = links[i]
    return {"publisher": publisher(i), "status": link["status"], "bandwidthPackage": packages[link["package"] - 1]}


def page(rows, options):
    options = options or {}
    first = int(options.get("firstResultIndex", 0))
    most = options.get("maximumResults")
    return rows[first:] if most is None else rows[first:first + int(most)]


def user_get(login, key, filter, options=None):
    if filter.get("self"):
        return {"results": [{"id": OPERATOR, "username": login, "email": "op@example.test", "name": "Operator", "role": "OPERATOR"}]}
    return {"results": []}


def package_get(login, key, filter, options=None):
    rows = [p for p in packages if "name" not in filter or p["name"] == filter["name"]]
    return {"results": page(rows, options)}


def link_get(login, key, filter, options=None):
    with state_lock:
        ids = sorted(links)
        if "publisher" in filter:
            ids = [i for i in ids if i == int(filter["publisher"])]
        if "publisher.username" in filter:
            names = {n.lower() for n in filter["publisher.username"]}
            ids = [i for i in ids if publisher(i)["username"] in names]
        return {"results": [link_row(i) for i in page(ids, options)]}


def link_delete(login, key, ids):
    pub = int(str(ids).split(",")[0])
    with state_lock:
        if pub not in links or links[pub]["status"] == "DELETED":
            raise Fault(404, f"publisher link {ids} not found")
        links[pub]["status"] = "DELETED"
    return True


def link_update(login, key, ids, fields):
    pub = int(str(ids).split(",")[0])
    with state_lock:
        if pub not in links:
            raise Fault(404, f"publisher link {ids} not found")
        if "status" in fields:
            links[pub]["status"] = fields["status"]
    return True


standard = SimpleXMLRPCDispatcher(allow_none=True, use_builtin_types=True)
standard.register_function(user_get, "user.get")
standard.register_function(package_get, "bandwidthPackage.get")
standard.register_function(link_get, "publisherLink.get")
standard.register_function(link_delete, "publisherLink.delete")
standard.register_function(link_update, "publisherLink.update")

# ---------------------------------------------------------------- hand-written answers

UTF8 = b'<?xml version="1.0" encoding="UTF-8"?>'


def response(value_xml, prolog=UTF8):
    return prolog + b"<methodResponse><params><param><value>" + value_xml + b"</value></param></params></methodResponse>"


def fault_body(code, text):
    return UTF8 + (
        "<methodResponse><fault><value><struct>"
        f"<member><name>faultCode</name><value><int>{code}</int></value></member>"
        f"<member><name>faultString</name><value><string>{text}</string></value></member>"
        "</struct></value></fault></methodResponse>"
    ).encode()


def one_package(limit_xml, name_xml=b"<string>gold</string>"):
    """A bandwidthPackage.get answer of one package whose limit is `limit_xml`."""
    return response(
        b"<struct><member><name>results</name><value><array><data><value><struct>"
        b"<member><name>id</name><value><int>1</int></value></member>"
        b"<member><name>name</name><value>" + name_xml + b"</value></member>"
        b"<member><name>bandwidthLimit</name><value>" + limit_xml + b"</value></member>"
        b"</struct></value></data></array></value></member></struct>"
    )


EMPTY = response(b"<struct><member><name>results</name><value><array><data></data></array></value></member></struct>")


def links_page(ids):
    rows = b"".join(
        b"<value><struct><member><name>publisher</name><value><struct>"
        b"<member><name>id</name><value><int>%d</int></value></member>"
        b"<member><name>username</name><value>user%d/7</value></member>"
        b"</struct></value></member><member><name>status</name><value>ACTIVE</value></member></struct></value>" % (i, i)
        for i in ids
    )
    return response(b"<struct><member><name>results</name><value><array><data>" + rows + b"</data></array></value></member></struct>")


def paged(body):
    """An answer of one page: later pages are empty."""
    def case(method, params, count):
        first = params[3].get("firstResultIndex", 0) if len(params) > 3 else 0
        return 200, {}, (EMPTY if first else body), "length"
    return case


def limit_case(limit_xml):
    return paged(one_package(limit_xml))


PRETTY = (
    b'<?xml version="1.0"?>\r\n<methodResponse>\r\n  <params>\r\n    <param>\r\n      <value>\r\n'
    b"        <struct>\r\n          <member>\r\n            <name>results</name>\r\n            <value>\r\n"
    b"              <array>\r\n                <data>\r\n                  <value>\r\n                    <struct>\r\n"
    b"                      <member>\r\n                        <name>id</name>\r\n                        <value><i4>1</i4></value>\r\n                      </member>\r\n"
    b"                      <member>\r\n                        <name>name</name>\r\n                        <value><string>gold</string></value>\r\n                      </member>\r\n"
    b"                      <member>\r\n                        <name>bandwidthLimit</name>\r\n                        <value>\r\n                          <int>100</int>\r\n                        </value>\r\n                      </member>\r\n"
    b"                    </struct>\r\n                  </value>\r\n                </data>\r\n              </array>\r\n            </value>\r\n"
    b"          </member>\r\n        </struct>\r\n      </value>\r\n    </param>\r\n  </params>\r\n</methodResponse>\r\n"
)


def compressed(encoding, compress, value=b"<int>100</int>"):
    """The package answer compressed with `encoding`, sent only to a client that accepts it
    (Accept-Encoding); any other request gets a 400 naming what was missing."""
    def case(method, params, count):
        _, _, body, _ = limit_case(value)(method, params, count)
        return 200, {"Content-Encoding": encoding}, compress(body), "length"
    case.encoding = encoding
    return case


def framed(framing):
    def case(method, params, count):
        first = params[3].get("firstResultIndex", 0) if len(params) > 3 else 0
        return 200, {}, (EMPTY if first else one_package(b"<int>100</int>")), framing
    return case


def after_failures(status, failures, headers=None):
    """`failures` answers of HTTP `status`, then the package."""
    def case(method, params, count):
        if count <= failures:
            return status, dict(headers or {}), b"busy", "length"
        return framed("length")(method, params, count)
    return case


def always(status, body, headers=None):
    return lambda method, params, count: (status, dict(headers or {}), body, "length")


def ignores_offset(method, params, count):
    size = int(params[3].get("maximumResults", 500))
    return 200, {}, links_page(range(1, size + 1)), "length"


def ignores_maximum(method, params, count):
    size = int(params[3].get("maximumResults", 500))
    first = int(params[3].get("firstResultIndex", 0))
    return 200, {}, links_page(range(first + 1, first + size + 6)), "length"


def endless(method, params, count):
    size = int(params[3].get("maximumResults", 500))
    first = int(params[3].get("firstResultIndex", 0))
    return 200, {}, links_page(range(first + 1, first + size + 1)), "length"


def short_pages(method, params, count):
    first = int(params[3].get("firstResultIndex", 0))
    return 200, {}, links_page(range(first + 1, min(first + 3, 10) + 1)), "length"


def echo_id(method, params, count):
    """publisherLink.get {publisher: id}: the link of that id, sent back as <i8> when it needs
    64 bits (Python's own encoder refuses such ints)."""
    wanted = int(params[2]["publisher"])
    tag = b"int" if -2**31 <= wanted < 2**31 else b"i8"
    row = (b"<value><struct><member><name>publisher</name><value><struct>"
           b"<member><name>id</name><value><%s>%d</%s></value></member>"
           b"<member><name>username</name><value>big/7</value></member>"
           b"</struct></value></member><member><name>status</name><value>ACTIVE</value></member></struct></value>") % (tag, wanted, tag)
    return 200, {}, response(b"<struct><member><name>results</name><value><array><data>" + row + b"</data></array></value></member></struct>"), "length"


# Set only when the server stops: until then the "slow" case never answers, so the client's
# timeout is the only way out, whatever the machine's speed.
stopping = threading.Event()


def slow(method, params, count):
    stopping.wait()
    return framed("length")(method, params, count)


CASES = {
    "int": limit_case(b"<int>100</int>"),
    "i4": limit_case(b"<i4>100</i4>"),
    "i8": limit_case(b"<i8>100</i8>"),
    "ex_i8": paged(one_package(b'<ex:i8 xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions">100</ex:i8>')),
    "double": limit_case(b"<double>100.0</double>"),
    "untyped": limit_case(b"100"),
    "big": limit_case(b"<i8>5000000000</i8>"),
    "fraction": limit_case(b"<double>100.5</double>"),
    "word": limit_case(b"<string>lots</string>"),
    "nil": paged(one_package(b"<int>100</int>", b"<nil/>")),
    "pretty": paged(PRETTY),
    "entities": paged(one_package(b"<int>100</int>", b"<string>A&amp;B &#x263A; <![CDATA[<c>]]></string>")),
    "latin1": paged(response(
        b"<struct><member><name>results</name><value><array><data><value><struct>"
        b"<member><name>id</name><value><int>1</int></value></member>"
        b"<member><name>name</name><value><string>Caf\xe9</string></value></member>"
        b"<member><name>bandwidthLimit</name><value><int>100</int></value></member>"
        b"</struct></value></data></array></value></member></struct>",
        prolog=b'<?xml version="1.0" encoding="ISO-8859-1"?>')),
    "gzip": compressed("gzip", gzip.compress),
    "deflate": compressed("deflate", zlib.compress),
    # 20 kB on the wire, 2 MB once inflated: the size limit is on the inflated body.
    "gzip_large": compressed("gzip", gzip.compress, b"<string>" + b"x" * 2_000_000 + b"</string>"),
    "chunked": framed("chunked"),
    "close": framed("close"),
    "fault500": always(500, fault_body(42, "the database is read-only")),
    "html404": always(404, b"<html><body>Not Found</body></html>", {"Content-Type": "text/html"}),
    "huge503": always(503, b"x" * 200_000),
    "notfound": always(200, fault_body(404, "publisher link 5,7 not found")),
    "fault": always(200, fault_body(3, "permission denied")),
    "toolarge": always(200, one_package(b"<string>" + b"x" * 100_000 + b"</string>")),
    "retry503": after_failures(503, 2),
    "retry429": after_failures(429, 1, {"Retry-After": "1"}),
    "status400": after_failures(400, 1),
    "slow": slow,
    "echo_id": echo_id,
    "ignores_offset": ignores_offset,
    "ignores_maximum": ignores_maximum,
    "endless": endless,
    "short_pages": short_pages,
}

# ---------------------------------------------------------------- HTTP

counts = {}
times = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] in ("_count", "_gap"):
            with state_lock:
                seen = times.get(parts[1], [])
                text = str(counts.get(parts[1], 0)) if parts[0] == "_count" else (
                    "%.3f" % (seen[-1] - seen[0]) if len(seen) > 1 else "0")
            self.send(200, {}, text.encode(), "length")
        else:
            self.send(404, {}, b"no such page", "length")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        parts = self.path.strip("/").split("/")
        if parts[0] == "std":
            self.send(200, {}, standard._marshaled_dispatch(body), "length")
        elif parts[0] == "odd" and len(parts) > 1 and parts[1] in CASES:
            case = parts[1]
            with state_lock:
                counts[case] = counts.get(case, 0) + 1
                times.setdefault(case, []).append(time.monotonic())
                count = counts[case]
            params, method = loads(body, use_builtin_types=True)
            encoding = getattr(CASES[case], "encoding", None)
            accepted = [token.split(";")[0].strip().lower()
                        for token in self.headers.get("Accept-Encoding", "").split(",")]
            if encoding and encoding not in accepted:
                self.send(400, {}, b"the request does not accept " + encoding.encode(), "length")
                return
            self.send(*CASES[case](method, params, count))
        else:
            self.send(404, {}, b"no such case", "length")

    def send(self, status, headers, body, framing):
        if framing == "close":
            # HTTP/1.0 without a length: the body ends when the connection closes.
            self.wfile.write(b"HTTP/1.0 %d OK\r\nContent-Type: text/xml\r\n\r\n" % status + body)
            self.close_connection = True
            return
        self.send_response(status)
        headers.setdefault("Content-Type", "text/xml")
        for name, value in headers.items():
            self.send_header(name, value)
        if framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for at in range(0, len(body), 100):
                piece = body[at:at + 100]
                self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        # HTTPS with the given certificate and key (PEM), for the trust-store tests.
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("PORT", server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the parent closes it or exits
    stopping.set()
    server.shutdown()


if __name__ == "__main__":
    main()
