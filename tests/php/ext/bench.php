<?php
/**
 * Benchmarks of the PHP extension, printed as Markdown:
 *
 * 1. The PHP-side cost of the rule functions: each extension function against the same rule
 *    written in plain PHP in this script (for `entitlement`, the addon's PHP before the rule
 *    moved to the core), 100,000 calls each, in the same run (the ratio is
 *    what counts; absolute figures depend on the machine).
 * 2. A 10,000-publisher sync driven from PHP against the sandbox with 20 ms latency per call:
 *    concurrency 16 against concurrency 1 (the sequential strategy), in the same run, then a
 *    repeat of the first (nothing left to do).
 *
 *   php -d extension=$PWD/target/release/libaflexi.so tests/php/ext/bench.php [--quick] [--rules|--sync]
 *
 * --quick uses 10,000 calls and 500 publishers, to check that the script works; --rules or
 * --sync runs only that part. The sandbox
 * binary is found as in the tests ($AFLEXI_SANDBOX_BIN, else target/{release,debug}); use a
 * release build of both for figures.
 */

declare(strict_types=1);

namespace Aflexi\Bench;

use Aflexi\Client;
use AflexiTests\Support\SandboxProcess;

require_once dirname(__DIR__) . '/support/SandboxProcess.php';

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "load the extension: php -d extension=\$PWD/target/release/libaflexi.so tests/php/ext/bench.php\n");
    exit(1);
}

$quick = in_array('--quick', $argv, true);
$runRules = !in_array('--sync', $argv, true);
$runSync = !in_array('--rules', $argv, true);
$calls = $quick ? 10_000 : 100_000;
$publishers = $quick ? 500 : 10_000;

// ---------------------------------------------------------------- the rules in plain PHP
// The same rules as aflexi-core, written the way a PHP module would write them.

const MAX_LEN = 64;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function sanitize(string $input): string
{
    $mapped = preg_replace('/[^a-z0-9._-]/u', '_', mb_strtolower($input, 'UTF-8'));
    return trim(preg_replace('/_+/', '_', (string) $mapped), '_.-');
}

function checked_email(string $email): string
{
    $email = trim($email);
    if ($email === '' || strlen($email) > 254 || preg_match('/[\s\p{Cc}]/u', $email)
        || substr_count($email, '@') !== 1 || str_starts_with($email, '@') || str_ends_with($email, '@')) {
        throw new \InvalidArgumentException('invalid email');
    }
    return $email;
}

function php_username_for_service(string $serviceUsername, string $email, int $serviceId): string
{
    if ($serviceId <= 0) {
        throw new \InvalidArgumentException('invalid service id');
    }
    $base = sanitize($serviceUsername);
    if ($base === '') {
        $base = sanitize(checked_email($email));
        if ($base === '') {
            throw new \InvalidArgumentException('invalid username');
        }
    }
    $suffix = "_$serviceId";
    if (str_ends_with($base, $suffix)) {
        $base = substr($base, 0, -strlen($suffix));
    }
    $room = MAX_LEN - strlen($suffix);
    if (strlen($base) > $room) {
        $base = rtrim(substr($base, 0, $room), '_.-');
    }
    return $base . $suffix;
}

function php_package_name(string ...$candidates): string
{
    foreach ($candidates as $name) {
        $name = preg_replace('/[\p{Cc}\x{FFFE}\x{FFFF}]/u', '', preg_replace('/\s+/u', ' ', $name));
        $name = trim((string) $name, ' ');
        if (mb_strlen($name) > MAX_LEN) {
            $name = rtrim(mb_substr($name, 0, MAX_LEN), ' ');
        }
        if ($name !== '') {
            return $name;
        }
    }
    return 'default';
}

function php_generate_password(int $length = 16): string
{
    do {
        $password = '';
        for ($i = 0; $i < $length; $i++) {
            $password .= ALPHABET[random_int(0, strlen(ALPHABET) - 1)];
        }
    } while (!preg_match('/[a-z]/', $password) || !preg_match('/[A-Z]/', $password) || !preg_match('/[0-9]/', $password));
    return $password;
}

function php_endpoint_from_server(string $hostname, bool $secure): string
{
    $host = trim($hostname);
    if ($host === '') {
        throw new \InvalidArgumentException('invalid server hostname');
    }
    if (str_contains($host, '://')) {
        $trimmed = rtrim($host, '/');
        $url = str_ends_with($trimmed, '/core/xmlrpc') || str_ends_with($trimmed, '/stats/xmlrpc')
            ? $trimmed : $trimmed . '/core/xmlrpc';
    } else {
        $url = ($secure ? 'https' : 'http') . '://' . rtrim($host, '/') . '/core/xmlrpc';
    }
    $parts = parse_url($url);
    if (!preg_match('~^https?://~', $url) || $parts === false || !isset($parts['host'])
        || isset($parts['user']) || strlen($url) > 2048 || preg_match('/[\s\p{Cc}]/u', $url)) {
        throw new \InvalidArgumentException('invalid endpoint');
    }
    return $url;
}

/** The entitlement decision as the addon wrote it in PHP before it moved to the core. */
function php_entitlement(array $f): array
{
    $why = match (true) {
        $f['suspend_event'] !== null => [$f['suspend_event'], 'suspend_event'],
        !$f['cdn_enabled'] => ['the product is not CDN enabled', 'not_cdn_enabled'],
        $f['product_free'] => ['the product is free', 'free_product'],
        $f['service_status'] !== 'Active' => ['the service is ' . $f['service_status'], 'service_not_active'],
        ($f['client_status'] ?? '') !== 'Active' => ['the client is ' . ($f['client_status'] ?? 'gone'), 'client_not_active'],
        $f['hold'] !== null && $f['hold'] !== '' => [$f['hold'], 'on_hold'],
        in_array($f['latest_invoice_status'], ['Refunded', 'Cancelled'], true)
            => [sprintf('invoice #%d is %s', $f['latest_invoice_id'], $f['latest_invoice_status']), 'invoice_reversed'],
        $f['addon_required'] && !$f['addon_active'] => ['the "Aflexi CDN" addon is not active on the service', 'addon_not_active'],
        default => null,
    };
    if ($why === null) {
        return ['desired' => 'Active', 'reason' => null, 'message' => null];
    }
    return ['desired' => $f['synchronized'] ? 'Suspended' : null, 'reason' => $why[1], 'message' => $why[0]];
}

// ---------------------------------------------------------------- 1. rule functions

if ($runRules) {
    rules($calls);
}
if ($runSync) {
    sync($publishers);
}

/** Seconds per call of $f over $inputs (each an argument list), best of 3 runs. */
function time_calls(callable $f, array $inputs): float
{
    $best = INF;
    for ($run = 0; $run < 3; $run++) {
        $started = hrtime(true);
        foreach ($inputs as $args) {
            $f(...$args);
        }
        $best = min($best, (hrtime(true) - $started) / 1e9);
    }
    return $best / count($inputs);
}

/** Part 1: the rule functions, extension against plain PHP. */
function rules(int $calls): void
{
    $usernameInputs = $packageInputs = $endpointInputs = $passwordInputs = $entitlementInputs = [];
    for ($i = 1; $i <= $calls; $i++) {
        $usernameInputs[] = $i % 3 === 0
            ? ["Svc User $i", "client$i@example.com", $i]
            : ['', "John.Doe+$i@Example.com", $i];
        $packageInputs[] = $i % 2 === 0 ? ['', "  Gold\t plan $i ", 'Product'] : ["CDN  Package $i", '', ''];
        $endpointInputs[] = $i % 2 === 0 ? ["api$i.example.net", true] : ["https://cdn$i.example/api/", false];
        $passwordInputs[] = [16];
        $entitlementInputs[] = [[
            'suspend_event' => null, 'cdn_enabled' => true, 'product_free' => $i % 7 === 0,
            'service_status' => $i % 5 === 0 ? 'Suspended' : 'Active', 'client_status' => 'Active', 'hold' => null,
            'latest_invoice_id' => $i, 'latest_invoice_status' => $i % 3 === 0 ? 'Refunded' : 'Paid',
            'addon_required' => false, 'addon_active' => false, 'synchronized' => $i % 2 === 0,
        ]];
    }

    $rows = [];
    $agree = [];
    $rule = function (string $name, callable $ext, callable $php, array $inputs, bool $deterministic = true) use (&$rows, &$agree): void {
        if ($deterministic) {
            $different = 0;
            foreach ($inputs as $args) {
                $different += (int) ($ext(...$args) !== $php(...$args));
            }
            $agree[$name] = $different;
        }
        $tExt = time_calls($ext, $inputs);
        $tPhp = time_calls($php, $inputs);
        $rows[] = [$name, $tExt, $tPhp];
    };

    $rule('username_for_service', 'Aflexi\username_for_service', __NAMESPACE__ . '\php_username_for_service', $usernameInputs);
    $rule('package_name', 'Aflexi\package_name', __NAMESPACE__ . '\php_package_name', $packageInputs);
    $rule('endpoint_from_server', 'Aflexi\endpoint_from_server', __NAMESPACE__ . '\php_endpoint_from_server', $endpointInputs);
    $rule('entitlement', 'Aflexi\entitlement', __NAMESPACE__ . '\php_entitlement', $entitlementInputs);
    $rule('generate_password', 'Aflexi\generate_password', __NAMESPACE__ . '\php_generate_password', $passwordInputs, false);

    printf("## PHP extension: rule functions (%s calls each, best of 3, same run)\n\n", number_format($calls));
    printf("PHP %s, extension %s, %s.\n\n", PHP_VERSION, phpversion('aflexi'), php_uname('m'));
    echo "| function | extension (µs/call) | plain PHP (µs/call) | plain PHP ÷ extension | outputs differ |\n";
    echo "|---|---:|---:|---:|---:|\n";
    foreach ($rows as [$name, $tExt, $tPhp]) {
        printf("| `%s` | %.2f | %.2f | %.1f× | %s |\n", $name, $tExt * 1e6, $tPhp * 1e6, $tPhp / $tExt,
            isset($agree[$name]) ? (string) $agree[$name] : 'n/a (random)');
    }
    echo "\n";
}

// ---------------------------------------------------------------- 2. bulk sync

/** Part 2: a bulk sync at 20 ms latency, concurrency 16 against 1. */
function sync(int $publishers): void
{
    $sandbox = new SandboxProcess(['--latency-ms', '20']);
    try {
        $desired = [];
        for ($i = 1; $i <= $publishers; $i++) {
            $desired[] = [
                'key' => $i, 'username' => "bench_$i", 'email' => "bench$i@example.com",
                'name' => "Bench $i", 'package' => $i % 4 === 0 ? 'Silver' : 'Gold', 'status' => 'Active',
            ];
        }
        $runs = [];
        $sync = function (string $label, int $concurrency, bool $reset) use ($sandbox, $desired, &$runs): void {
            if ($reset) {
                $sandbox->control('POST', '/_sandbox/reset');
            }
            $client = new Client($sandbox->coreUrl(), SandboxProcess::OPERATOR, SandboxProcess::AUTH_KEY, ['operation_timeout' => 600]);
            $client->operator();
            $client->resetCallCounts();
            $started = hrtime(true);
            $report = $client->sync($desired, ['concurrency' => $concurrency, 'time_budget_ms' => 3_000_000]);
            $wall = (hrtime(true) - $started) / 1e9;
            $calls = array_sum($client->callCounts());
            $runs[] = [$label, $concurrency, $wall, $calls, $report['counts']];
            fwrite(STDERR, sprintf("[bench] %s: %.1f s\n", $label, $wall));
        };
        $sync('first sync', 16, true);
        $sync('first sync, sequential', 1, true);
        $sync('repeat sync (nothing to do)', 16, false);

        printf("## PHP extension: sync of %s publishers from PHP (sandbox latency 20 ms per call)\n\n", number_format($publishers));
        echo "| run | concurrency | wall time (s) | API calls | publishers/s | outcome |\n";
        echo "|---|---:|---:|---:|---:|---|\n";
        foreach ($runs as [$label, $concurrency, $wall, $calls, $counts]) {
            $outcome = implode(', ', array_map(fn ($k, $v) => "$k $v", array_keys($counts), $counts));
            printf("| %s | %d | %.1f | %s | %.0f | %s |\n", $label, $concurrency, $wall, number_format($calls),
                $publishers / $wall, $outcome);
        }
        $speedup = $runs[1][2] / $runs[0][2];
        printf("\nConcurrency 16 is %.1f× faster than the sequential strategy on the same 20 ms API.\n\n", $speedup);
    } finally {
        $sandbox->stop();
    }
}
