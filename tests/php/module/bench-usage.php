<?php
/**
 * Figures of aflexi_UsageUpdate (not part of the PHPUnit suite): one server with <services>
 * Active Aflexi services, each linked to its own publisher seeded in the sandbox. With the
 * sandbox at <latency_ms> per call, side by side in this run: UsageUpdate on the sequential
 * path (aflexi.concurrency 1: one usage query at a time) and on the concurrent path
 * (aflexi.concurrency 16, the default); then the usage read alone both ways, with the time the
 * extension spent decoding answers (Aflexi\Client::decodeSeconds, the sum of the decoder's own
 * runs: large answers are decoded beside the client's runtime thread, at most one per core at
 * a time) as a share of the read's wall time and of the cores' time; then the writes alone as
 * the module does them (UPDATE ... CASE) against one UPDATE per service.
 *
 *   tests/php/module/bench-usage.sh [services] [latency_ms]     (builds, starts MariaDB)
 *
 * By hand: php -d extension=target/release/libaflexi.so tests/php/module/bench-usage.php
 * with the WHMCS_DB_* environment of tests/whmcs/mariadb.sh (the stand-in recreates its tables).
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once dirname(__DIR__) . '/support/SandboxProcess.php';

use AflexiTests\Support\SandboxProcess;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\PublisherRecords;
use WHMCS\Module\Server\Aflexi\Schema;
use WHMCS\Module\Server\Aflexi\UsageUpdate;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Params;

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "the aflexi extension is not loaded: php -d extension=target/release/libaflexi.so " . $argv[0] . "\n");
    exit(1);
}
$count = max(1, (int) ($argv[1] ?? 10000));
$latency = max(0, (int) ($argv[2] ?? 20));

WhmcsHarness\Whmcs::reset();
WhmcsHarness\Modules::loadServer('aflexi');
$sandbox = SandboxProcess::shared();
$login = 'bench' . bin2hex(random_bytes(3));
$key = 'AK' . bin2hex(random_bytes(10));
$sandbox->addOperator($login, $key);
$server = Fixtures::server(['hostname' => $sandbox->hostPort(), 'secure' => '', 'username' => $login, 'password' => $key]);
$params = Params::forServer($server);
if (aflexi_TestConnection($params)['success'] !== true) {
    fwrite(STDERR, "TestConnection failed\n");
    exit(1);
}
$product = Fixtures::product(['name' => 'CDN Bench', 'servertype' => 'aflexi', 'configoptions' => ['bench']]);
$client = Fixtures::client(['email' => 'bench@example.com']);

// $count publishers on Aflexi, services and records in WHMCS, inserted in bulk.
$seeded = $sandbox->seedPublishers($count, 'b', 'bench', 'ACTIVE', $login);
new PublisherRecords();
for ($start = 0; $start < $count; $start += 1000) {
    $rows = [];
    for ($i = $start; $i < min($count, $start + 1000); $i++) {
        $rows[] = ['userid' => $client, 'packageid' => $product, 'server' => $server, 'domainstatus' => 'Active', 'regdate' => date('Y-m-d'),
            'billingcycle' => 'Monthly', 'amount' => 10, 'firstpaymentamount' => 10, 'paymentmethod' => 'mailin', 'username' => "b$i", 'password' => ''];
    }
    Capsule::table('tblhosting')->insert($rows);
}
$ids = Capsule::table('tblhosting')->where('server', $server)->orderBy('id')->pluck('id')->all();
foreach (array_chunk($ids, 1000, true) as $chunk) {
    $records = [];
    foreach ($chunk as $i => $serviceId) {
        $records[] = ['service_id' => $serviceId, 'server_id' => $server, 'client_id' => $client, 'publisher_id' => $seeded['first'] + $i,
            'username' => "b$i", 'package' => 'bench', 'status' => PublisherRecords::ACTIVE];
    }
    Capsule::table(Schema::PUBLISHERS)->insert($records);
}

/** @return array{0: int, 1: float} API calls, wall ms */
$measure = static function (int $concurrency) use ($sandbox, $params): array {
    ini_set('aflexi.concurrency', (string) $concurrency);
    $before = $sandbox->totalCalls();
    $t = hrtime(true);
    $result = aflexi_UsageUpdate($params);
    $ms = (hrtime(true) - $t) / 1e6;
    if ($result !== 'success') {
        fwrite(STDERR, "UsageUpdate failed: $result\n");
        exit(1);
    }
    return [$sandbox->totalCalls() - $before, $ms];
};

printf("%d services on one server, sandbox at %d ms per call; load average %s\n", $count, $latency, implode(" ", array_map(static fn ($l): string => sprintf("%.2f", $l), sys_getloadavg() ?: [])));
$sandbox->configure(['latency_ms' => $latency]);
[$calls1, $ms1] = $measure(1);
[$calls16, $ms16] = $measure(16);
printf("UsageUpdate, sequential path (concurrency 1):  %d API calls, %.0f ms\n", $calls1, $ms1);
printf("UsageUpdate, concurrent path (concurrency 16): %d API calls, %.0f ms (%.2fx faster)\n", $calls16, $ms16, $ms1 / max($ms16, 0.001));

// Check: a sample of the written figures is the sandbox's month total.
$sample = [$ids[0], $ids[intdiv(count($ids), 2)], $ids[count($ids) - 1]];
$publishers = Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $sample)->pluck('publisher_id', 'service_id')->all();
$mb = $sandbox->control('GET', sprintf('/_sandbox/usage?year=%d&month=%d&publisher=%s', (int) date('Y'), (int) date('n'), implode(',', $publishers)))['mb'];
foreach ($publishers as $serviceId => $publisherId) {
    $written = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('bwusage');
    if ($written !== (int) $mb[(string) $publisherId]) {
        fwrite(STDERR, "service #$serviceId: wrote $written MB, the sandbox says {$mb[(string) $publisherId]}\n");
        exit(1);
    }
}

// Where the time goes: the usage read alone (the extension, same ids, same latency), each
// way, with the decoder's share: seconds spent decoding / wall seconds of the read, and the
// same over the cores' time (the decodes run on up to one thread per core at once).
$cores = max(1, (int) trim((string) shell_exec('nproc')));
$allPublishers = Capsule::table(Schema::PUBLISHERS)->where('server_id', $server)->pluck('publisher_id')->map(static fn ($v): int => (int) $v)->all();
printf("load average before the reads: %s\n", implode(' ', array_map(static fn ($l): string => sprintf('%.2f', $l), sys_getloadavg() ?: [])));
foreach ([1, 16] as $concurrency) {
    $client = new \Aflexi\Client($sandbox->coreUrl(), $login, $key, ['concurrency' => $concurrency]);
    $client->operator();
    $decodeBefore = $client->decodeSeconds();
    $t = hrtime(true);
    $batches = $client->usageBatches((int) date('Y'), (int) date('n'), $allPublishers);
    $rows = 0;
    while (($batch = $batches->next()) !== null) {
        $rows += count($batch);
    }
    $readMs = (hrtime(true) - $t) / 1e6;
    $decodeMs = ($client->decodeSeconds() - $decodeBefore) * 1000;
    printf("usage read alone, concurrency %2d (%d ids, %d rows): %.0f ms, decoding %.0f ms (%.0f %% of the wall time, %.0f %% of %d cores' time)\n",
        $concurrency, count($allPublishers), $rows, $readMs, $decodeMs, 100 * $decodeMs / max($readMs, 0.001),
        100 * $decodeMs / max($readMs * $cores, 0.001), $cores);
}
$sandbox->configure(['latency_ms' => 0]);

// The server's own part: the same 2 calls per 200 publishers sent one after another at 0 ms
// latency by a client that only receives the bytes (no decoding): what the sandbox takes to
// produce and send the month's figures.
sort($allPublishers);
$statsUrl = str_replace('/core/xmlrpc', '/stats/xmlrpc', $sandbox->coreUrl());
$last = (int) date('t');
$month = date('Ym');
$t = hrtime(true);
$bytes = 0;
foreach (array_chunk($allPublishers, 200) as $chunk) {
    foreach (['HTTP', 'RTMP'] as $kind) {
        $ids = implode('', array_map(static fn (int $id): string => "<value><int>$id</int></value>", $chunk));
        $member = static fn (string $name, string $value): string => "<member><name>$name</name><value>$value</value></member>";
        $query = $member('summary', '<string>DAILY</string>') . $member('type', "<string>$kind</string>")
            . $member('startDate', "<dateTime.iso8601>{$month}01T00:00:00</dateTime.iso8601>")
            . $member('endDate', "<dateTime.iso8601>{$month}{$last}T23:59:59</dateTime.iso8601>")
            . $member('resultFormat', '<string>DETAIL</string>') . $member('publisher', "<array><data>$ids</data></array>");
        $body = '<?xml version="1.0"?><methodCall><methodName>stats.getSummaries</methodName><params>'
            . "<param><value><string>$login</string></value></param><param><value><string>$key</string></value></param>"
            . '<param><value><string>groupByOperator</string></value></param>'
            . "<param><value><struct>$query</struct></value></param></params></methodCall>";
        $answer = file_get_contents($statsUrl, false, stream_context_create(['http' => [
            'method' => 'POST', 'header' => "Content-Type: text/xml\r\n", 'content' => $body]]));
        if ($answer === false || !str_contains($answer, '<struct>')) {
            fwrite(STDERR, "the sandbox did not answer stats.getSummaries\n");
            exit(1);
        }
        $bytes += strlen($answer);
    }
}
printf("the sandbox alone (%d calls in sequence at 0 ms, answers received, not decoded): %.0f ms for %.0f MB\n",
    2 * count(array_chunk($allPublishers, 200)), (hrtime(true) - $t) / 1e6, $bytes / 1e6);
$rows = [];
foreach (Capsule::table('tblhosting')->where('server', $server)->get(['id', 'bwusage', 'bwlimit']) as $row) {
    $rows[(int) $row->id] = [(int) $row->bwusage + 1, (int) $row->bwlimit];
}
$bulkWrite = Closure::bind(
    fn (array $rows, string $now) => $this->write($rows, $now),
    new UsageUpdate(new Context('UsageUpdate', $params)),
    UsageUpdate::class,
);
$t = hrtime(true);
$bulkWrite($rows, date('Y-m-d H:i:s'));
$bulkMs = (hrtime(true) - $t) / 1e6;
$t = hrtime(true);
Capsule::connection()->transaction(static function () use ($rows): void {
    $now = date('Y-m-d H:i:s');
    foreach ($rows as $id => [$mb, $limit]) {
        Capsule::table('tblhosting')->where('id', $id)->update(['bwusage' => $mb + 1, 'bwlimit' => $limit, 'lastupdate' => $now]);
    }
});
$perRowMs = (hrtime(true) - $t) / 1e6;
printf("writes: UPDATE ... CASE by %d: %.0f ms; one UPDATE per service: %.0f ms (%.1fx)\n", UsageUpdate::CHUNK, $bulkMs, $perRowMs, $perRowMs / max($bulkMs, 0.001));
printf("peak memory %.1f MB\n", memory_get_peak_usage(true) / 1048576);
$sandbox->stop();
