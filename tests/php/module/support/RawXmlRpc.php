<?php
/**
 * A minimal XML-RPC client over HTTP/1.0, the way the original WHMCS plugin (IXR) talked to
 * Aflexi: used by bench-calls.php to replay the original's list-everything strategy and
 * measure its bytes, and by tests to prove a publisher's password (user.get {self} with the
 * password as the secret). Encodes strings, ints, booleans, lists and structs; does not decode
 * beyond telling a fault from a result.
 */

declare(strict_types=1);

namespace AflexiModuleTests\Support;

final class RawXmlRpc
{
    /** Bytes sent and received by the last call. */
    public int $lastRequestBytes = 0;
    public int $lastResponseBytes = 0;

    public function __construct(private readonly string $endpoint)
    {
    }

    /**
     * @param list<mixed> $params
     * @return string the response body
     */
    public function call(string $method, array $params): string
    {
        $body = '<?xml version="1.0"?><methodCall><methodName>' . htmlspecialchars($method, ENT_XML1)
            . '</methodName><params>';
        foreach ($params as $param) {
            $body .= '<param>' . self::value($param) . '</param>';
        }
        $body .= '</params></methodCall>';
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'protocol_version' => 1.0,
            'header' => "Content-Type: text/xml\r\n",
            'content' => $body,
            'ignore_errors' => true,
            'timeout' => 120,
        ]]);
        $answer = @file_get_contents($this->endpoint, false, $context);
        if ($answer === false) {
            throw new \RuntimeException("XML-RPC $method failed to connect");
        }
        $headers = implode("\r\n", $http_response_header ?? []) . "\r\n\r\n";
        $this->lastRequestBytes = strlen($body) + strlen("POST / HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: " . strlen($body) . "\r\n\r\n");
        $this->lastResponseBytes = strlen($headers) + strlen($answer);
        return $answer;
    }

    public static function isFault(string $response): bool
    {
        return str_contains($response, '<fault>');
    }

    private static function value(mixed $v): string
    {
        if (is_bool($v)) {
            return '<value><boolean>' . ($v ? '1' : '0') . '</boolean></value>';
        }
        if (is_int($v)) {
            return '<value><int>' . $v . '</int></value>';
        }
        if (is_array($v)) {
            if (array_is_list($v) && $v !== []) {
                return '<value><array><data>' . implode('', array_map([self::class, 'value'], $v)) . '</data></array></value>';
            }
            $members = '';
            foreach ($v as $name => $member) {
                $members .= '<member><name>' . htmlspecialchars((string) $name, ENT_XML1) . '</name>' . self::value($member) . '</member>';
            }
            return '<value><struct>' . $members . '</struct></value>';
        }
        return '<value><string>' . htmlspecialchars((string) $v, ENT_XML1) . '</string></value>';
    }
}
