<?php
/**
 * One of the 16 PHP processes of tests/php/ext/WireLimitsTest.php: makes a client of the wire
 * server with the given options, prints "ready", waits for a line on stdin (so all 16 call at
 * once), makes one module call and prints one JSON line: what it returned or threw, and this
 * process's peak resident memory (VmHWM) before and after the call.
 *
 *   php -d extension=libaflexi.so wire-limits-child.php WIRE_URL CALL OPTIONS_JSON PUBLISHER_ID
 */

declare(strict_types=1);

[, $wire, $call, $options, $publisherId] = $argv;

function peakKib(): int
{
    preg_match('~^VmHWM:\s+(\d+) kB~m', (string) file_get_contents('/proc/self/status'), $m);
    return (int) $m[1];
}

$client = new \Aflexi\Client("$wire/core/xmlrpc", 'acme', 'acme-KEY-0f8c2b5e-never-print', json_decode($options, true));
$before = peakKib();
echo "ready\n";
fgets(STDIN);
try {
    $result = match ($call) {
        // Create's, Suspend's and Resync's lookup of the service's publisher (lib/Provisioner.php)
        'findPublisher' => $client->findPublisher('wire_limits'),
        // the products' package list (the module's config options)
        'listPackages' => $client->listPackages(),
        // Suspend's call, a write (never repeated)
        'suspend' => $client->suspend((int) $publisherId),
    };
    $line = ['outcome' => 'ok', 'type' => get_debug_type($result)];
} catch (\Throwable $e) {
    $line = ['outcome' => get_class($e), 'code' => $e->getCode(), 'message' => $e->getMessage()];
}
echo json_encode($line + ['peak_before_kib' => $before, 'peak_after_kib' => peakKib()]), "\n";
