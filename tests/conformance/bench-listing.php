<?php
/**
 * Peak RSS of a PHP process listing the operator's publishers: every publisher
 * at once (Client::listPublishers) against page by page (Client::publisherPages), each in its
 * own PHP process, in the same run, against tests/conformance/server.py with N publishers.
 *
 *   AFLEXI_EXT_SO=$PWD/target/release/libaflexi.so \
 *     php -d extension=$AFLEXI_EXT_SO tests/conformance/bench-listing.php [N]
 *
 * N defaults to 100,000. Prints one Markdown table row per way.
 */

declare(strict_types=1);

if (($argv[1] ?? '') === '--child') {
    [, , $port, $how] = $argv;
    $client = new Aflexi\Client("http://127.0.0.1:$port/std/core/xmlrpc", 'op', 'bench-key', [
        'operator_id' => 7, 'page_size' => 1000, 'timeout' => 120, 'operation_timeout' => 600,
    ]);
    $count = 0;
    if ($how === 'listPublishers') {
        $count = count($client->listPublishers());
    } else {
        $pages = $client->publisherPages();
        while (($page = $pages->next()) !== null) {
            $count += count($page);
        }
    }
    preg_match('/VmHWM:\s+(\d+)/', (string) file_get_contents('/proc/self/status'), $m);
    echo $count, ' ', $m[1], "\n";
    exit(0);
}

$so = (string) getenv('AFLEXI_EXT_SO');
if (!extension_loaded('aflexi') || !is_file($so)) {
    fwrite(STDERR, "AFLEXI_EXT_SO=\$PWD/target/release/libaflexi.so php -d extension=\$AFLEXI_EXT_SO $argv[0] [N]\n");
    exit(1);
}
$publishers = (int) ($argv[1] ?? 100_000);
$server = proc_open(
    ['python3', __DIR__ . '/server.py'],
    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => STDERR],
    $pipes,
    null,
    ['CONFORMANCE_PUBLISHERS' => (string) $publishers, 'PATH' => (string) getenv('PATH')],
);
if (!is_resource($server) || preg_match('/^PORT (\d+)/', (string) fgets($pipes[1]), $m) !== 1) {
    fwrite(STDERR, "tests/conformance/server.py did not start\n");
    exit(1);
}
$port = $m[1];
echo "| way | publishers | peak RSS of the PHP process |\n| --- | ---: | ---: |\n";
foreach (['publisherPages', 'listPublishers'] as $how) {
    $child = escapeshellarg(PHP_BINARY) . ' -n -d extension=' . escapeshellarg($so)
        . ' ' . escapeshellarg(__FILE__) . " --child $port $how";
    [$count, $kib] = explode(' ', trim((string) shell_exec($child)) . ' 0 0');
    printf("| %s | %s | %.1f MB |\n", $how, number_format((int) $count), (int) $kib / 1024);
}
fclose($pipes[0]);
proc_close($server);
