<?php
/**
 * The other MariaDB connection of tests/php/module/DatabaseFailureTest.php, in its own process
 * (the module runs in the test's process, so whatever must happen while it waits happens here).
 *
 *   php db-actor.php CONFIG_JSON deadlock RECORD_ID SERVICE_ID MODULE_CONNECTION_ID
 *     Holds the service record's row (by its primary key) in a transaction made heavier than
 *     the module's (2,000 rows written to a scratch table, so MariaDB picks the module as the
 *     victim), prints "holding", waits until the module's connection waits for that row, then
 *     asks for the same record through its service_id index, which the module's UPDATE holds:
 *     each waits for the other, a real deadlock (1213). Rolls back, prints "done". Needs the
 *     suite's private MariaDB ($AFLEXI_MARIADB_DIR) to see the module's lock wait as root.
 *   php db-actor.php CONFIG_JSON kill SANDBOX_URL RECEIVED MODULE_CONNECTION_ID
 *     Prints "ready", waits until the sandbox has received RECEIVED calls (the module's call is
 *     held in the sandbox's latency), kills the module's connection (KILL CONNECTION), then
 *     lets the sandbox answer (this call and the next at once). Prints "done".
 */

declare(strict_types=1);

[, $config, $mode] = $argv;
$c = json_decode($config, true, 512, JSON_THROW_ON_ERROR);
$dsn = isset($c['unix_socket']) && $c['unix_socket'] !== ''
    ? "mysql:unix_socket={$c['unix_socket']};dbname={$c['database']}"
    : "mysql:host={$c['host']};port={$c['port']};dbname={$c['database']}";
$db = new PDO($dsn, $c['username'], $c['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);

if ($mode === 'deadlock') {
    [, , , $recordId, $serviceId, $module] = $argv;
    $db->beginTransaction();
    $db->exec('INSERT INTO drill_weight (n) SELECT seq FROM seq_1_to_2000');
    $db->prepare('SELECT id FROM mod_aflexi_publishers WHERE id = ? FOR UPDATE')->execute([(int) $recordId]);
    echo "holding\n";
    // The module's UPDATE holds the service_id entry and waits for the row: a condition on
    // MariaDB's own state, asked until it holds (bounded). The InnoDB monitor, not INNODB_TRX:
    // MariaDB 10.11 leaves an autocommit statement's lock wait out of INNODB_TRX (seen: the
    // wait ran out its whole bound every time), while the monitor names it "LOCK WAIT".
    // (Both need the PROCESS privilege: root on the suite's private MariaDB.)
    $root = new PDO('mysql:unix_socket=' . getenv('AFLEXI_MARIADB_DIR') . '/mariadbd.sock', 'root', '', [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $waiting = static function () use ($root, $module): bool {
        $status = (string) $root->query('SHOW ENGINE INNODB STATUS')->fetch(PDO::FETCH_ASSOC)['Status'];
        foreach (explode('---TRANSACTION ', $status) as $transaction) {
            if (str_contains($transaction, 'MariaDB thread id ' . (int) $module . ',') && str_contains($transaction, 'LOCK WAIT')) {
                return true;
            }
        }
        return false;
    };
    $deadline = microtime(true) + 30;
    while (!$waiting() && microtime(true) < $deadline) {
    }
    if (microtime(true) >= $deadline) {
        fwrite(STDERR, "db-actor: the module's statement never waited for the row\n");
        exit(1);
    }
    $db->prepare('SELECT id FROM mod_aflexi_publishers WHERE service_id = ? FOR UPDATE')->execute([(int) $serviceId]);
    $db->rollBack();
    echo "done\n";
} elseif ($mode === 'kill') {
    [, , , $sandbox, $received, $module] = $argv;
    echo "ready\n";
    file_get_contents("$sandbox/_sandbox/received?at_least=" . (int) $received);
    $db->exec('KILL CONNECTION ' . (int) $module);
    $post = static fn (string $body): array => ['http' => ['method' => 'POST', 'content' => $body, 'header' => "Content-Type: application/json\r\n"]];
    file_get_contents("$sandbox/_sandbox/config", false, stream_context_create($post('{"latency_ms": 0}')));
    file_get_contents("$sandbox/_sandbox/release", false, stream_context_create($post('')));
    echo "done\n";
}
