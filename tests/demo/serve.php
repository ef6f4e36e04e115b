<?php
/**
 * `scripts/demo.sh --serve [PORT]`: after the story, the addon's admin pages with the story's
 * data, for a browser, until Ctrl-C. The pages are served by PHP's built-in server with
 * tests/php/addon/browser/router.php (the browser test's router); the story hands it its
 * data through the router's state file (AFLEXI_DEMO_STATE), so the router does not seed its
 * own. The sandbox and MariaDB stay up meanwhile (this process owns the sandbox).
 */

declare(strict_types=1);

use AflexiTests\Support\SandboxProcess;

/** @param array{run: int, preview: string, products: array<string, int>, services: list<int>} $data */
function serveAdminPages(string $port, SandboxProcess $sandbox, array $data): void
{
    if (!ctype_digit($port) || (int) $port < 1 || (int) $port > 65535) {
        fwrite(STDERR, "--serve: '$port' is not a port number (1-65535)\n");
        exit(2);
    }
    $stateFile = getenv('AFLEXI_DEMO_STATE');
    $so = getenv('AFLEXI_EXT_SO');
    if (!$stateFile || !$so) {
        fwrite(STDERR, "--serve needs AFLEXI_DEMO_STATE and AFLEXI_EXT_SO (scripts/demo.sh sets them)\n");
        exit(2);
    }
    // The harness encrypts with a key made per process: the router restores this one, so it
    // can read the server's auth key and the passwords the story stored.
    $key = method_exists(WhmcsHarness\Crypto::class, 'exportKey') ? WhmcsHarness\Crypto::exportKey()
        : base64_encode((string) (new ReflectionProperty(WhmcsHarness\Crypto::class, 'key'))->getValue());
    file_put_contents($stateFile, json_encode($data + ['crypto_key' => $key]));

    $log = $stateFile . '.php-server.log';
    $router = dirname(__DIR__) . '/php/addon/browser/router.php';
    $env = getenv() + ['AFLEXI_SANDBOX_HOSTPORT' => $sandbox->hostPort()];
    $server = proc_open([PHP_BINARY, '-d', "extension=$so", '-d', 'display_errors=stderr', '-S', "127.0.0.1:$port", $router],
        [0 => ['file', '/dev/null', 'r'], 1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']], $pipes, null, $env);
    if (!is_resource($server)) {
        fwrite(STDERR, "cannot start php -S\n");
        exit(1);
    }
    $pid = (int) proc_get_status($server)['pid'];
    SandboxProcess::rememberPid($pid);
    $base = "http://127.0.0.1:$port";
    $page = null;
    for ($i = 0; $i < 100 && proc_get_status($server)['running']; $i++) {
        $page = @file_get_contents("$base/addonmodules.php?module=aflexi_cdn");
        if ($page !== false) {
            break;
        }
        usleep(100000);
    }
    if (!is_string($page) || !str_contains($page, 'Starter Hosting')) {
        fwrite(STDERR, "the admin pages did not come up on $base (port taken?):\n" . @file_get_contents($log) . "\n");
        proc_terminate($server);
        exit(1);
    }
    echo "\nThe addon's admin pages, with the story's data, are served at:\n";
    echo "   $base/addonmodules.php?module=aflexi_cdn                    products (CDN enabled)\n";
    echo "   $base/addonmodules.php?module=aflexi_cdn&action=publishers  synchronized publishers\n";
    echo "   $base/addonmodules.php?module=aflexi_cdn&action=packages    packages on Aflexi\n";
    echo "   (Aflexi sandbox: {$sandbox->url()}/_sandbox/state)\n";
    echo "Press Ctrl-C to stop.\n";

    // Sleeps until Ctrl-C (or TERM, HUP), or until the server exits: blocked, these signals
    // wait for sigwaitinfo (a SIGCHLD sent before the block is seen by the status check).
    $signals = [SIGINT, SIGTERM, SIGHUP, SIGCHLD];
    pcntl_sigprocmask(SIG_BLOCK, $signals);
    while (proc_get_status($server)['running'] && pcntl_sigwaitinfo($signals) === SIGCHLD) {
        // a child ended (the server, or another): look at the server again
    }
    proc_terminate($server);
    proc_close($server);
    SandboxProcess::forgetPid($pid);
    echo "\nstopped.\n";
}
