<?php
/**
 * The PHP legs of the decoding benchmark: the same bytes decoded into PHP values
 * by this extension (Aflexi\xmlrpc_decode_response, the client's own decoder) and by PECL's
 * C extension (xmlrpc_decode, Debian's php8.2-xmlrpc). tests/conformance/bench-decode.sh
 * writes the bodies and runs this with both extensions loaded:
 *
 *   php -n -d extension=xmlrpc.so -d extension=$AFLEXI_EXT_SO \
 *     tests/conformance/bench-decode.php DIR
 *
 * Prints one line per body and decoder: <body> <decoder> <bytes> <best seconds>, and fails
 * when the two decoders do not give the same values.
 */

declare(strict_types=1);

const RUNS = 5;

if (!function_exists('Aflexi\xmlrpc_decode_response') || !function_exists('xmlrpc_decode')) {
    fwrite(STDERR, "load both extensions: php -n -d extension=xmlrpc.so -d extension=\$AFLEXI_EXT_SO $argv[0] DIR\n");
    exit(1);
}
$dir = $argv[1] ?? '';

/** The best of RUNS wall times of $decode($body), in seconds, and the last value. */
function best(callable $decode, string $body): array
{
    $best = INF;
    $value = null;
    for ($i = 0; $i < RUNS; $i++) {
        $value = null;
        $start = hrtime(true);
        $value = $decode($body);
        $best = min($best, (hrtime(true) - $start) / 1e9);
    }
    return [$best, $value];
}

$decoders = [
    'aflexi' => static fn (string $body) => Aflexi\xmlrpc_decode_response($body),
    'pecl-c' => static fn (string $body) => xmlrpc_decode($body, 'UTF-8'),
];
foreach (['stats', 'publishers'] as $name) {
    $body = file_get_contents("$dir/$name.xml");
    if ($body === false) {
        fwrite(STDERR, "no $dir/$name.xml\n");
        exit(1);
    }
    $values = [];
    foreach ($decoders as $decoder => $decode) {
        [$seconds, $values[$decoder]] = best($decode, $body);
        printf("%s %s %d %.6f\n", $name, $decoder, strlen($body), $seconds);
    }
    if ($values['aflexi'] !== $values['pecl-c']) {
        fwrite(STDERR, "$name: the two decoders give different values\n");
        exit(1);
    }
}
