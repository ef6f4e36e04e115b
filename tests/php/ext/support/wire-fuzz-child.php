<?php
/**
 * Plays cases of the PHP wire fuzz (tests/php/ext/WireFuzzTest.php) in its own PHP process, so
 * that a fatal error or a crash of the extension ends this process and shows in the test as
 * the case that was running. For each case: sets the wire server to fuzz with the case's seed,
 * makes a client as the module does (one per module call), runs one of the module's client
 * calls, and prints one JSON line: the case, its seed, the call, what it returned (its PHP
 * type) or threw (its class and code).
 *
 *   php -d extension=libaflexi.so wire-fuzz-child.php WIRE_URL SEED FIRST COUNT PUBLISHER_ID
 */

declare(strict_types=1);

[, $wire, $seed, $first, $count, $publisherId] = $argv;
[$seed, $first, $count, $publisherId] = [(int) $seed, (int) $first, (int) $count, (int) $publisherId];

// A warning or notice is a finding too: it would land in WHMCS's page or log.
set_error_handler(static function (int $no, string $message, string $file, int $line): never {
    throw new \ErrorException($message, 0, $no, $file, $line);
});

/** The client calls of the module (lib/Provisioner.php, AccountList.php, UsageUpdate.php, TestConnection). */
$calls = [
    'verifyCredentials' => static fn (\Aflexi\Client $c, int $n) => $c->verifyCredentials(),
    // Test Connection with a key Aflexi refuses: the real answer is an authentication fault.
    'verifyCredentials(refused key)' => static fn (\Aflexi\Client $c, int $n) => (new \Aflexi\Client(
        $GLOBALS['wire'] . '/core/xmlrpc', 'acme', 'a-refused-key', ['retries' => 1, 'timeout' => 5, 'operation_timeout' => 30]
    ))->verifyCredentials(),
    'createPublisher' => static fn (\Aflexi\Client $c, int $n) => $c->createPublisher([
        'username' => "wfz$n", 'email' => "wfz$n@example.com", 'name' => "Wire Fuzz $n",
        'password' => 'Wire-fuzz-pass-1', 'package' => 'Gold',
    ]),
    'findPublisher' => static fn (\Aflexi\Client $c, int $n) => $c->findPublisher('wfz_target'),
    'getPublisher' => static fn (\Aflexi\Client $c, int $n) => $c->getPublisher($GLOBALS['publisherId']),
    'suspend' => static fn (\Aflexi\Client $c, int $n) => $c->suspend($GLOBALS['publisherId']),
    'activate' => static fn (\Aflexi\Client $c, int $n) => $c->activate($GLOBALS['publisherId']),
    'changePackage' => static fn (\Aflexi\Client $c, int $n) => $c->changePackage($GLOBALS['publisherId'], 'Silver'),
    'changePassword' => static fn (\Aflexi\Client $c, int $n) => $c->changePassword($GLOBALS['publisherId'], 'Wire-fuzz-pass-2'),
    'terminate' => static fn (\Aflexi\Client $c, int $n) => $c->terminate($GLOBALS['publisherId']),
    'listPackages' => static fn (\Aflexi\Client $c, int $n) => $c->listPackages(),
    'publisherPages' => static function (\Aflexi\Client $c, int $n): int {
        $pages = $c->publisherPages();
        $rows = 0;
        while (($page = $pages->next()) !== null) {
            $rows += count($page);
        }
        return $rows;
    },
    'bandwidthUsageOf' => static fn (\Aflexi\Client $c, int $n) => $c->bandwidthUsageOf(2026, 11, [$GLOBALS['publisherId']]),
];
$names = array_keys($calls);

function mode(string $wire, array $mode): void
{
    $context = stream_context_create(['http' => [
        'method' => 'POST', 'content' => json_encode($mode), 'timeout' => 30,
        'header' => "Content-Type: application/json\r\n",
    ]]);
    if (@file_get_contents("$wire/_wire/mode", false, $context) === false) {
        fwrite(STDERR, "cannot set the wire server's mode\n");
        exit(3);
    }
}

for ($n = $first; $n < $first + $count; $n++) {
    $caseSeed = $seed + $n;
    mt_srand($caseSeed);
    $name = $names[mt_rand(0, count($names) - 1)];
    mode($wire, ['mode' => 'fuzz', 'seed' => $caseSeed]);
    $line = ['case' => $n, 'seed' => $caseSeed, 'call' => $name];
    try {
        // The module's limits, shortened: one repeat, 5 s a request, 30 s an operation.
        $client = new \Aflexi\Client("$wire/core/xmlrpc", 'acme', 'acme-KEY-0f8c2b5e-never-print', [
            'retries' => 1, 'timeout' => 5, 'connect_timeout' => 5, 'operation_timeout' => 30,
        ]);
        $result = $calls[$name]($client, $n);
        $line += ['outcome' => 'ok', 'type' => get_debug_type($result)];
        if (is_array($result) && $name === 'createPublisher') {
            $line['type'] .= isset($result['publisher']) && is_array($result['publisher']) ? '+publisher' : '-publisher';
        }
    } catch (\Throwable $e) {
        $line += ['outcome' => get_class($e), 'code' => $e->getCode(), 'message' => $e->getMessage()];
    }
    echo json_encode($line, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}
