<?php
/**
 * API calls, bytes and time per WHMCS module action: the module's strategy (the extension,
 * operator id remembered by the module and passed as `operator_id`, publishers read by id)
 * against the original plugin's (every call re-runs its bootstrap of 3 x user.get{self}, then
 * lists every package and every publisher link of the operator, unpaged, then writes).
 * Measured against the Aflexi sandbox seeded with 1,000 and 10,000 publishers, in one run.
 *
 *   php -d extension=target/release/libaflexi.so tests/php/module/bench-calls.php [1000 10000 ...]
 *
 * Calls are the sandbox's own counters. Bytes are HTTP request + response bytes: for the
 * original measured as it sends them (HTTP/1.0, full entities); for the module, the same
 * requests the extension made (from takeCallLog(), secrets put back) replayed right after the
 * action, which gives the same sizes. Time is the wall time of the action.
 */

declare(strict_types=1);

require_once dirname(__DIR__) . '/support/SandboxProcess.php';
require_once __DIR__ . '/support/RawXmlRpc.php';

use AflexiModuleTests\Support\RawXmlRpc;
use AflexiTests\Support\SandboxProcess;

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "the aflexi extension is not loaded: php -d extension=target/release/libaflexi.so " . $argv[0] . "\n");
    exit(1);
}

$sizes = array_map('intval', array_slice($argv, 1)) ?: [1000, 10000];
$sandbox = SandboxProcess::shared();
$login = SandboxProcess::OPERATOR;
$key = SandboxProcess::AUTH_KEY;
$raw = new RawXmlRpc($sandbox->coreUrl());

/** Runs $action, returning [calls, bytes, ms] (bytes 0 here: measured separately). */
$measure = static function (callable $action) use ($sandbox): array {
    $before = $sandbox->totalCalls();
    $t = hrtime(true);
    $action();
    $ms = (hrtime(true) - $t) / 1e6;
    return [$sandbox->totalCalls() - $before, $ms];
};

/** Replays the extension's logged calls to count their bytes. */
$replayBytes = static function (array $log, array $secrets) use ($raw, $login, $key): int {
    $bytes = 0;
    foreach ($log as $call) {
        $params = json_decode(str_replace('"[redacted]"', json_encode($secrets[0] ?? 'x'), json_encode($call['params'])), true);
        $raw->call($call['method'], array_merge([$login, $key], $params));
        $bytes += $raw->lastRequestBytes + $raw->lastResponseBytes;
    }
    return $bytes;
};

/** The original plugin's work for one action: bootstrap, list everything, then $writes. */
$original = static function (int $operatorId, array $writes) use ($raw, $login, $key): array {
    $bytes = 0;
    $calls = 0;
    $t = hrtime(true);
    $send = static function (string $method, array $params) use ($raw, $login, $key, &$bytes, &$calls): string {
        $answer = $raw->call($method, array_merge([$login, $key], $params));
        $bytes += $raw->lastRequestBytes + $raw->lastResponseBytes;
        $calls++;
        return $answer;
    };
    for ($i = 0; $i < 3; $i++) {
        $send('user.get', [['self' => true]]);
    }
    $send('bandwidthPackage.get', [['user' => $login]]);
    $send('publisherLink.get', [['operator' => $operatorId]]);
    foreach ($writes as [$method, $params]) {
        $send($method, $params);
    }
    return [$calls, $bytes, (hrtime(true) - $t) / 1e6];
};

$rows = [];
foreach ($sizes as $n) {
    $sandbox->reset();
    $sandbox->calm();
    // Package names are new to this PHP process at each size, so that ids remembered from
    // the previous size (another sandbox state) cannot make a difference.
    $gold = "gold-$n";
    $silver = "silver-$n";
    $seed = $sandbox->seedPublishers($n, 'bench', $gold);
    $operatorId = 1;
    $target = (int) $seed['last'];
    // The original's writes go to another publisher, so that they do not change what the
    // module's next action finds (their size is the same).
    $other = (int) $seed['first'];
    $link = "$other,$operatorId";
    $password = \Aflexi\generate_password();

    // A fresh client per action, as a fresh WHMCS request makes one; the module passes the
    // remembered operator id. (Package ids stay cached in the PHP process, as in a PHP-FPM
    // worker; the first Change Package of a process costs one more call, shown separately.)
    $client = static fn (): \Aflexi\Client => new \Aflexi\Client($sandbox->coreUrl(), $login, $key, ['operator_id' => $operatorId, 'verify_tls' => true]);

    $actions = [
        'Create (a new publisher)' => [fn (\Aflexi\Client $c) => $c->createPublisher(['username' => "fresh$n", 'email' => "fresh$n@example.com", 'name' => 'Fresh', 'password' => $password, 'package' => $gold]), [['user.create', [['username' => "fresh-orig-$n/1", 'email' => 'o@example.com', 'role' => 'PUBLISHER', 'password' => $password], ['id' => 1]]]]],
        'Suspend' => [fn (\Aflexi\Client $c) => $c->suspend($target), [['publisherLink.update', [$link, ['status' => 'SUSPENDED']]]]],
        'Unsuspend' => [fn (\Aflexi\Client $c) => $c->activate($target), [['publisherLink.update', [$link, ['status' => 'ACTIVE']]]]],
        'Change Package (package new to the process)' => [fn (\Aflexi\Client $c) => $c->changePackage($target, $silver), [['bandwidthPackage.create', [['name' => "$silver-orig", 'type' => 'PUBLISHER_LINK']]], ['publisherLink.update', [$link, ['bandwidthPackage' => ['id' => 1]]]]]],
        'Change Package (package seen before by the process)' => [fn (\Aflexi\Client $c) => $c->changePackage($target, $gold), [['publisherLink.update', [$link, ['bandwidthPackage' => ['id' => 1]]]]]],
        'Change Password' => [fn (\Aflexi\Client $c) => $c->changePassword($target, $password), [['security.update', [$other, '', $password]]]],
        'Terminate' => [fn (\Aflexi\Client $c) => $c->terminate($target), [['publisherLink.delete', [$link]]]],
        'Create again (revive the terminated one)' => [fn (\Aflexi\Client $c) => $c->createPublisher(['username' => "bench$n", 'email' => "bench$n@publishers.sandbox.test", 'name' => "bench $n", 'password' => $password, 'package' => $gold]), [['user.create', [['username' => "bench-orig-$n/1", 'email' => 'o@example.com', 'role' => 'PUBLISHER', 'password' => $password], ['id' => 1]]]]],
        'Lookup by username (unrecorded service)' => [fn (\Aflexi\Client $c) => $c->findPublisher("bench$n"), []],
    ];
    foreach ($actions as $name => [$ours, $writes]) {
        $c = $client();
        [$calls, $ms] = $measure(static fn () => $ours($c));
        $bytes = $replayBytes($c->takeCallLog(), [$password]);
        [$oCalls, $oBytes, $oMs] = $original($operatorId, $writes);
        $rows[] = [$n, $name, $calls, $bytes, $ms, $oCalls, $oBytes, $oMs];
    }
    // Server sync: the module pages through every publisher.
    $c = $client();
    [$calls, $ms] = $measure(static fn () => $c->listPublishers());
    $bytes = $replayBytes($c->takeCallLog(), []);
    [$oCalls, $oBytes, $oMs] = $original($operatorId, []);
    $rows[] = [$n, 'List all (Server Sync)', $calls, $bytes, $ms, $oCalls, $oBytes, $oMs];
}

printf("| publishers | action | module calls | module bytes | module ms | original calls | original bytes | original ms |\n");
printf("|---:|---|---:|---:|---:|---:|---:|---:|\n");
foreach ($rows as [$n, $name, $calls, $bytes, $ms, $oCalls, $oBytes, $oMs]) {
    printf("| %s | %s | %d | %s | %.1f | %d | %s | %.1f |\n", number_format($n), $name, $calls, number_format($bytes), $ms, $oCalls, number_format($oBytes), $oMs);
}
$sandbox->stop();
