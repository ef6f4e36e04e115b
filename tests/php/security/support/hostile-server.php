<?php
/**
 * A hostile fake Aflexi API (or, with "capture", a server that should never be contacted), for
 * the security suite. Usage: php hostile-server.php DIR. It listens on a free loopback port,
 * prints "listening on http://127.0.0.1:PORT", and answers each request as DIR/scenario.json
 * says (re-read per request; missing = a plain fault). Every request it receives is appended
 * to DIR/requests.log (request line, headers and body), so a test can tell whether it was
 * contacted and what it was sent.
 *
 * Scenarios ({"answer": ...}):
 *   echo-fault    a fault quoting the whole request body (as a careless server does)
 *   html-fault    a fault whose text is an HTML page with script and markup
 *   redirect      {"status": 301|302|307|308, "location": URL}
 *   huge          a 20 MB answer (past the client's 16 MB limit)
 *   deep          100,000 nested arrays
 *   value         {"xml": "<value>...</value>"}: that value as the result
 */

declare(strict_types=1);

$dir = $argv[1] ?? '';
if (!is_dir($dir)) {
    fwrite(STDERR, "usage: php hostile-server.php DIR\n");
    exit(2);
}
$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $error);
if ($server === false) {
    fwrite(STDERR, "cannot listen: $error\n");
    exit(1);
}
$name = stream_socket_get_name($server, false);
echo 'listening on http://' . $name . "\n";
fflush(STDOUT);

while (true) {
    $conn = @stream_socket_accept($server, -1);
    if ($conn === false) {
        continue;
    }
    stream_set_timeout($conn, 10);
    $request = read_request($conn);
    if ($request === null) {
        fclose($conn);
        continue;
    }
    file_put_contents("$dir/requests.log", $request['raw'] . "\n----\n", FILE_APPEND | LOCK_EX);
    $scenario = is_file("$dir/scenario.json") ? (array) json_decode((string) file_get_contents("$dir/scenario.json"), true) : [];
    answer($conn, $scenario, $request['body']);
    fclose($conn);
}

/** @return array{raw: string, body: string}|null */
function read_request($conn): ?array
{
    $head = '';
    while (!str_contains($head, "\r\n\r\n")) {
        $line = fgets($conn);
        if ($line === false) {
            return null;
        }
        $head .= $line;
    }
    $length = preg_match('/^content-length:\s*(\d+)/mi', $head, $m) ? (int) $m[1] : 0;
    $body = '';
    while (strlen($body) < $length) {
        $chunk = fread($conn, $length - strlen($body));
        if ($chunk === false || $chunk === '') {
            break;
        }
        $body .= $chunk;
    }
    return ['raw' => $head . $body, 'body' => $body];
}

function answer($conn, array $scenario, string $body): void
{
    switch ($scenario['answer'] ?? '') {
        case 'redirect':
            $status = (int) ($scenario['status'] ?? 307);
            fwrite($conn, "HTTP/1.1 $status Moved\r\nLocation: " . $scenario['location'] . "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        case 'echo-fault':
            send($conn, fault(7, 'cannot parse the request: ' . $body));
            return;
        case 'html-fault':
            send($conn, fault(500, '<html><body><script>alert("fault")</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">details</a></body></html>'));
            return;
        case 'huge':
            $size = 20 * 1024 * 1024;
            fwrite($conn, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nConnection: close\r\n\r\n");
            fwrite($conn, '<?xml version="1.0"?><methodResponse><params><param><value><string>');
            $block = str_repeat('A', 65536);
            for ($sent = 0; $sent < $size; $sent += strlen($block)) {
                if (@fwrite($conn, $block) === false) {
                    return;
                }
            }
            @fwrite($conn, '</string></value></param></params></methodResponse>');
            return;
        case 'deep':
            $depth = 100000;
            send($conn, '<?xml version="1.0"?><methodResponse><params><param>'
                . str_repeat('<value><array><data>', $depth) . str_repeat('</data></array></value>', $depth)
                . '</param></params></methodResponse>');
            return;
        case 'value':
            send($conn, '<?xml version="1.0"?><methodResponse><params><param>' . $scenario['xml'] . '</param></params></methodResponse>');
            return;
        default:
            send($conn, fault(1, 'no scenario'));
    }
}

function fault(int $code, string $text): string
{
    return '<?xml version="1.0"?><methodResponse><fault><value><struct>'
        . '<member><name>faultCode</name><value><int>' . $code . '</int></value></member>'
        . '<member><name>faultString</name><value><string>' . htmlspecialchars($text, ENT_XML1 | ENT_NOQUOTES | ENT_SUBSTITUTE, 'UTF-8') . '</string></value></member>'
        . '</struct></value></fault></methodResponse>';
}

function send($conn, string $xml): void
{
    @fwrite($conn, "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " . strlen($xml) . "\r\nConnection: close\r\n\r\n" . $xml);
}
