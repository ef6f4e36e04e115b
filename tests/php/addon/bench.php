<?php
/**
 * Figures of the addon (not part of the PHPUnit suite):
 *
 *   php -d extension=target/release/libaflexi.so tests/php/addon/bench.php save <services> <latency_ms> <concurrency> [step_seconds]
 *       a Save Settings run (preview, then steps of step_seconds, default 10 as the addon's, as the page drives them): wall time, steps,
 *       the ratio to the bound N*RTT/C; then a second Save Settings and the writes it made; then
 *       (concurrency > 1) the engine alone syncing the same publishers in one call
 *   php -d extension=target/release/libaflexi.so tests/php/addon/bench.php memory <services> [latency_ms]
 *       the cron reconcile of that many publishers in one PHP process: peak memory, time
 *
 * Needs the WHMCS_DB_* environment of tests/whmcs/mariadb.sh (the stand-in recreates its tables).
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once dirname(__DIR__) . '/support/SandboxProcess.php';

use AflexiTests\Support\SandboxProcess;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Desired;
use WHMCS\Module\Addon\AflexiCdn\Engine;
use WHMCS\Module\Addon\AflexiCdn\Reconcile;
use WHMCS\Module\Addon\AflexiCdn\Runs;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WHMCS\Module\Addon\AflexiCdn\Settings;
use WhmcsHarness\Addon;
use WhmcsHarness\Fixtures;

[$mode, $count] = [$argv[1] ?? 'save', (int) ($argv[2] ?? 1000)];
$latency = (int) ($argv[3] ?? 20);
$concurrency = (int) ($argv[4] ?? 16);
$stepSeconds = (string) ($argv[5] ?? '10');

WhmcsHarness\Whmcs::reset();
Fixtures::config('ModuleDebugMode', ''); // the module log of 100k calls is not what is measured
$sandbox = SandboxProcess::shared();
$login = 'bench' . bin2hex(random_bytes(3));
$key = 'AK' . bin2hex(random_bytes(10));
$sandbox->addOperator($login, $key);
$server = Fixtures::server(['hostname' => $sandbox->hostPort(), 'secure' => '', 'username' => $login, 'password' => $key]);
Addon::activate('aflexi_cdn', ['server' => (string) $server, 'concurrency' => (string) $concurrency, 'cron_seconds' => '600',
    'step_seconds' => $stepSeconds]);
$product = Fixtures::product(['name' => 'Bench Hosting', 'servertype' => 'cpanel', 'configoptions' => ['bench_pkg'], 'autosetup' => '']);
Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);

// $count clients with one Active service each, inserted in bulk.
$gid = (int) Capsule::table('tblproducts')->where('id', $product)->value('gid');
for ($start = 0; $start < $count; $start += 1000) {
    $clients = [];
    for ($i = $start; $i < min($count, $start + 1000); $i++) {
        $clients[] = ['firstname' => 'Bench', 'lastname' => "Client $i", 'email' => "bench$i@example.com", 'status' => 'Active', 'currency' => 1, 'datecreated' => date('Y-m-d')];
    }
    Capsule::table('tblclients')->insert($clients);
}
$clientIds = Capsule::table('tblclients')->where('email', 'like', 'bench%@example.com')->orderBy('id')->pluck('id')->all();
foreach (array_chunk($clientIds, 1000) as $chunk) {
    $rows = [];
    foreach ($chunk as $clientId) {
        $rows[] = ['userid' => $clientId, 'packageid' => $product, 'domainstatus' => 'Active', 'regdate' => date('Y-m-d'),
            'billingcycle' => 'Monthly', 'amount' => 10, 'firstpaymentamount' => 10, 'paymentmethod' => 'mailin', 'username' => '', 'password' => ''];
    }
    Capsule::table('tblhosting')->insert($rows);
}
$sandbox->configure(['latency_ms' => $latency]);
WhmcsHarness\Whmcs::stopRecording(); // the stand-in's recorder would hold every encrypt() call
$settings = Settings::load();
printf("%d services, sandbox latency %d ms, concurrency %d\n", $count, $latency, $concurrency);

if ($mode === 'save') {
    $first = saveSettings($settings);
    printf("preview %.1f s (%d planned); apply %.1f s in %d steps, longest step %.1f s; total %.1f s; created %d, failed %d; peak memory %.1f MB\n",
        $first['preview'], $first['planned'], $first['apply'], $first['steps'], $first['longest'], $first['preview'] + $first['apply'],
        $first['counts']['create'], $first['counts']['failed'], memory_get_peak_usage(true) / 1048576);
    $bound = $count * $latency / 1000 / max(1, $concurrency);
    printf("bound N*RTT/C %.1f s: apply %.2fx, preview + apply %.2fx\n", $bound, $first['apply'] / $bound, ($first['preview'] + $first['apply']) / $bound);
    $before = writes($sandbox->calls());
    $again = saveSettings($settings);
    printf("repeat Save Settings: preview %.1f s, apply %.1f s in %d steps; writes to Aflexi %d; unchanged %d\n",
        $again['preview'], $again['apply'], $again['steps'], writes($sandbox->calls()) - $before, $again['counts']['unchanged']);
    if ($concurrency > 1) {
        // The engine alone on the same publishers, one call from PHP (a second operator, so
        // every publisher is created again): what the addon adds is the difference.
        $entries = [];
        foreach ((new Desired())->all() as $set) {
            array_push($entries, ...$set->entries);
        }
        $sandbox->addOperator($login . 'b', $key);
        $t = microtime(true);
        $report = (new \Aflexi\Client($sandbox->coreUrl(), $login . 'b', $key))->sync($entries, ['concurrency' => $concurrency]);
        $core = microtime(true) - $t;
        printf("engine alone (one sync call, %d created): %.1f s, %.2fx the bound; the addon's apply is %.2fx the engine alone\n",
            $report['counts']['create'] ?? 0, $core, $core / $bound, $first['apply'] / $core);
    }
} else {
    $t0 = microtime(true);
    $result = (new Reconcile($settings))->run(600000);
    printf("reconcile %.1f s: %s, pending %d, errors %d; peak memory %.1f MB (memory_get_peak_usage(true))\n",
        microtime(true) - $t0, json_encode($result['counts']), $result['pending'], count($result['errors']), memory_get_peak_usage(true) / 1048576);
    $t1 = microtime(true);
    $again = (new Reconcile($settings))->run(600000);
    printf("second reconcile %.1f s: %s; peak memory %.1f MB\n", microtime(true) - $t1, json_encode($again['counts']), memory_get_peak_usage(true) / 1048576);
}
$sandbox->stop();

/** Save Settings as the page drives it: the preview, then Apply and every step until done. */
function saveSettings(Settings $settings): array
{
    $t0 = microtime(true);
    $engine = new Engine($settings);
    $planned = 0;
    foreach ((new Desired())->all() as $set) {
        $planned += array_sum($engine->plan($set)['plan']['counts'] ?? []);
    }
    $t1 = microtime(true);
    $runs = new Runs($settings);
    $run = $runs->start(1);
    $steps = 0;
    $longest = 0.0;
    do {
        $s = microtime(true);
        $state = $runs->step($run);
        $longest = max($longest, microtime(true) - $s);
        $steps++;
    } while ($state !== Runs::DONE && $steps < 10000);
    return ['preview' => $t1 - $t0, 'planned' => $planned, 'apply' => microtime(true) - $t1, 'steps' => $steps,
        'longest' => $longest, 'counts' => $runs->report($run)['counts']];
}

/** XML-RPC calls that change something, from the sandbox's counters (as AddonTestCase::writeCalls). */
function writes(array $calls): int
{
    $n = 0;
    foreach ($calls as $method => $count) {
        if ($method !== 'total' && preg_match('/(create|update|delete|suspend|activate|add|set|change|save|remove|link)/i', (string) $method) === 1
            && preg_match('/(get|list|find|search)/i', (string) $method) !== 1) {
            $n += (int) $count;
        }
    }
    return $n;
}
