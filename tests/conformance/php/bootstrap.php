<?php
/**
 * Starts tests/conformance/server.py once for the run; its port is in CONFORMANCE_PORT. The
 * server stops when its standard input closes, that is when this process ends.
 */

declare(strict_types=1);

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "The aflexi extension is not loaded: run tests/conformance/run.sh\n");
    exit(1);
}

$server = proc_open(
    ['python3', dirname(__DIR__) . '/server.py'],
    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
    $pipes,
);
if (!is_resource($server)) {
    fwrite(STDERR, "python3 tests/conformance/server.py did not start\n");
    exit(1);
}
$line = (string) fgets($pipes[1]);
if (preg_match('/^PORT (\d+)$/', trim($line), $m) !== 1) {
    fwrite(STDERR, "tests/conformance/server.py said: $line\n");
    exit(1);
}
define('CONFORMANCE_PORT', (int) $m[1]);
$GLOBALS['conformance_server'] = [$server, $pipes];
register_shutdown_function(static function (): void {
    [$server, $pipes] = $GLOBALS['conformance_server'];
    fclose($pipes[0]);
    proc_terminate($server);
    proc_close($server);
});
