<?php
/**
 * MariaDB fails under the server module (docs/RELIABILITY.md (g)): a lock-wait timeout during
 * Create, a deadlock during Suspend, the connection killed during Change Package, the record
 * write answering "table full" (1114) during Create, each a MariaDB error on the module's own
 * connection after Aflexi applied the change; and a real disk full on Create's first write. The module
 * function answers as WHMCS expects (a string message, never the SQL or a secret), and running
 * it again converges: one publisher, Aflexi and the records agree, the password WHMCS shows
 * logs in.
 */

declare(strict_types=1);

namespace AflexiModuleTests;

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Schema;
use WhmcsHarness\Database;

final class DatabaseFailureTest extends ModuleTestCase
{
    private ?\Illuminate\Database\Connection $blocker = null;
    private static int $blockers = 0;
    /** The small tmpfs of the disk-full test (unmounted in tearDown). */
    private ?string $smallDisk = null;

    protected function tearDown(): void
    {
        if ($this->blocker !== null) {
            $this->blocker->rollBack();
            $this->blocker->disconnect();
        }
        Capsule::connection()->statement('SET SESSION innodb_lock_wait_timeout = 50');
        if ($this->smallDisk !== null) {
            Capsule::schema()->dropIfExists(Schema::PUBLISHERS); // made again by the next test's module call
            exec('umount ' . escapeshellarg($this->smallDisk) . ' && rmdir ' . escapeshellarg($this->smallDisk));
        }
        parent::tearDown();
    }

    public function testALockWaitTimeoutDuringCreateIsReportedAndCreateAgainFinishesIt(): void
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'dblock@example.com']),
            ['username' => 'dblock', 'password' => '']);
        // Another connection holds the service's row: Create makes the publisher on Aflexi,
        // then its write of the generated password waits, and gives up after 1 s (1205).
        $this->blocker = $this->otherConnection();
        $this->blocker->beginTransaction();
        $this->blocker->table('tblhosting')->where('id', $service)->lockForUpdate()->first();
        Capsule::connection()->statement('SET SESSION innodb_lock_wait_timeout = 1');

        // The module function itself (WHMCS's own reads of the row would wait first).
        $message = $this->callModule('CreateAccount', $service);
        self::assertNotSame('success', $message);
        $this->assertAClearDatabaseMessage($message);
        self::assertCount(1, $this->publishersOfOperator(), 'Aflexi made the publisher before the write failed');

        $this->blocker->rollBack();
        Capsule::connection()->statement('SET SESSION innodb_lock_wait_timeout = 50');
        $this->assertActionSucceeds('Create', $service);
        $this->assertOnePublisherAgreeing($service, 'gold', 'ACTIVE');
    }

    public function testADeadlockDuringSuspendIsReportedAndSuspendAgainFinishesIt(): void
    {
        if (getenv('AFLEXI_MARIADB_DIR') === false) {
            self::markTestSkipped('needs the private MariaDB of tests/whmcs/run-phpunit.sh (its root sees lock waits)');
        }
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'dbdead@example.com']), ['username' => 'dbdead', 'password' => '']);
        $this->assertActionSucceeds('Create', $service);
        $username = (string) $this->hosting($service)->username;
        Capsule::statement('CREATE TABLE IF NOT EXISTS drill_weight (n INT) ENGINE=InnoDB');
        $actor = $this->actor(['deadlock', (string) $this->record($service)->id, (string) $service, (string) $this->connectionId()]);
        self::assertSame("holding\n", fgets($actor[1][1]));

        $message = $this->actionError('Suspend', $service);
        self::assertSame("done\n", fgets($actor[1][1]), 'the other side of the deadlock went on');
        $this->finish($actor);
        $this->assertAClearDatabaseMessage($message);
        self::assertSame('SUSPENDED', strtoupper((string) $this->linkOf($username)['status']), 'Aflexi applied it before the record write');

        $this->assertActionSucceeds('Suspend', $service);
        $this->assertOnePublisherAgreeing($service, 'gold', 'SUSPENDED');
    }

    public function testAConnectionKilledDuringChangePackageLosesNothing(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $silver = $this->product('CDN Silver', 'silver');
        $service = $this->service($gold, $this->client(['email' => 'dbkill@example.com']), ['username' => 'dbkill', 'password' => '']);
        $this->assertActionSucceeds('Create', $service);
        $username = (string) $this->hosting($service)->username;
        Capsule::table('tblhosting')->where('id', $service)->update(['packageid' => $silver]);
        // The change is held in the sandbox until the other process has killed this process's
        // connection; the module's next statement meets a dead connection.
        $this->sandbox->configure(['latency_ms' => 60000]);
        $actor = $this->actor(['kill', $this->sandbox->url(), (string) ($this->sandbox->received() + 1), (string) $this->connectionId()]);
        self::assertSame("ready\n", fgets($actor[1][1]));
        $killed = $this->connectionId();

        $result = $this->runAction('ChangePackage', $service);
        self::assertSame("done\n", fgets($actor[1][1]));
        $this->finish($actor);
        $this->sandbox->calm();
        self::assertNotSame($killed, $this->connectionId(), 'the module\'s connection was killed');
        self::assertSame('silver', $this->packageOf($this->linkOf($username)), 'Aflexi applied the change');
        if ($result['result'] !== 'success') {
            $this->assertAClearDatabaseMessage((string) $result['message']);
            $this->assertActionSucceeds('ChangePackage', $service);
        }
        fwrite(STDERR, "\nChangePackage on a killed connection: {$result['result']}\n");
        $this->assertOnePublisherAgreeing($service, 'silver', 'ACTIVE');
    }

    public function testADiskFullDuringCreateIsReportedAndCreateAgainFinishesItOnceThereIsRoom(): void
    {
        $dir = getenv('AFLEXI_MARIADB_DIR');
        if ($dir === false || posix_getuid() !== 0) {
            self::markTestSkipped('needs the private MariaDB of tests/whmcs/run-phpunit.sh and root (as in CI)');
        }
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'dbfull@example.com']),
            ['username' => 'dbfull', 'password' => '']);
        // The module's records table on a 1 MiB tmpfs, filled up: InnoDB cannot extend its
        // file (errno 28) and answers 1114. Rows are added until the table's pages are full;
        // Create's first write, its record, then finds no room (before anything is on Aflexi).
        $this->callModule('TestConnection', $service); // the module makes its tables
        $root = new \PDO("mysql:unix_socket=$dir/mariadbd.sock;dbname=" . Capsule::connection()->getDatabaseName(), 'root', '');
        $root->setAttribute(\PDO::ATTR_ERRMODE, \PDO::ERRMODE_EXCEPTION);
        $this->smallDisk = $disk = sys_get_temp_dir() . '/aflexi-module-small-disk-' . getmypid();
        mkdir($disk);
        exec('mount -t tmpfs -o size=1m tmpfs ' . escapeshellarg($disk), $_, $status);
        if ($status !== 0) {
            rmdir($disk);
            $this->smallDisk = null;
            self::markTestSkipped('mounting a tmpfs needs root');
        }
        $create = (string) $root->query('SHOW CREATE TABLE ' . Schema::PUBLISHERS)->fetchColumn(1);
        $root->exec('DROP TABLE ' . Schema::PUBLISHERS);
        $root->exec($create . ' DATA DIRECTORY = ' . $root->quote($disk));
        $handle = fopen("$disk/filler", 'wb');
        while (@fwrite($handle, str_repeat("\0", 4096)) === 4096 && fflush($handle)) {
            // until the tmpfs answers ENOSPC
        }
        fclose($handle);
        // The smallest rows there are, so that what is left cannot hold the module's record.
        // 100 at a time, then one at a time (a statement that fails adds nothing).
        $next = 900000;
        foreach ([100, 1] as $batch) {
            while (true) {
                try {
                    $root->exec(sprintf('INSERT INTO %s (service_id) SELECT %d + seq FROM seq_1_to_%d', Schema::PUBLISHERS, $next, $batch));
                    $next += $batch;
                } catch (\PDOException $e) {
                    self::assertSame(1114, $e->errorInfo[1], $e->getMessage());
                    break;
                }
            }
        }

        $message = $this->callModule('CreateAccount', $service);
        self::assertNotSame('success', $message);
        $this->assertAClearDatabaseMessage($message);

        unlink("$disk/filler"); // room again
        $this->assertActionSucceeds('Create', $service);
        $this->assertOnePublisherAgreeing($service, 'gold', 'ACTIVE');
    }

    public function testTheRecordWriteFailingForLackOfRoomAfterAflexiCreatedThePublisherIsReportedAndCreateAgainFinishesIt(): void
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'dbroom@example.com']),
            ['username' => 'dbroom', 'password' => '']);
        // The disk filling up at exactly that write cannot be timed, so MariaDB raises the disk
        // full's error (1114, as in the test above) from a trigger on the write that records
        // the publisher Aflexi just created (PublisherRecords::linked).
        $this->callModule('TestConnection', $service); // the module makes its tables
        $table = Capsule::connection()->getTablePrefix() . Schema::PUBLISHERS;
        Capsule::connection()->unprepared("CREATE TRIGGER dbroom_full BEFORE UPDATE ON $table FOR EACH ROW "
            . "IF NEW.publisher_id IS NOT NULL AND OLD.publisher_id IS NULL THEN "
            . "SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1114, MESSAGE_TEXT = 'The table is full'; END IF");
        try {
            $message = $this->callModule('CreateAccount', $service);
        } finally {
            Capsule::connection()->unprepared('DROP TRIGGER dbroom_full');
        }
        self::assertNotSame('success', $message);
        $this->assertAClearDatabaseMessage($message);
        self::assertCount(1, $this->publishersOfOperator(), 'Aflexi made the publisher before the write failed');
        self::assertNull($this->record($service)->publisher_id, 'the record was not written');

        $this->assertActionSucceeds('Create', $service);
        $this->assertOnePublisherAgreeing($service, 'gold', 'ACTIVE');
    }

    /** WHMCS's error convention: a message in words, without the statement, the table or a secret. */
    private function assertAClearDatabaseMessage(string $message): void
    {
        self::assertStringContainsString('database', $message);
        foreach (['SQL', 'UPDATE', 'INSERT', 'SELECT', 'tblhosting', 'mod_aflexi', \AflexiTests\Support\SandboxProcess::AUTH_KEY] as $never) {
            self::assertStringNotContainsString($never, $message);
        }
    }

    /** One publisher under the operator, on $package with $status, the record agreeing, and the shown password logs in. */
    private function assertOnePublisherAgreeing(int $service, string $package, string $status): void
    {
        $mine = $this->publishersOfOperator();
        self::assertCount(1, $mine, 'one publisher, no duplicate');
        $username = (string) $this->hosting($service)->username;
        $link = $this->linkOf($username);
        self::assertSame($package, $this->packageOf($link));
        self::assertSame($status, strtoupper((string) $link['status']));
        $record = $this->record($service);
        self::assertSame((int) $mine[0]['id'], (int) $record->publisher_id);
        self::assertSame($status, $record->status);
        self::assertSame($package, $record->package);
        self::assertTrue($this->passwordWorks($username, decrypt((string) $this->hosting($service)->password)), 'the password WHMCS shows logs in');
    }

    /** @return list<array<string, mixed>> the publisher users under this test's operator */
    private function publishersOfOperator(): array
    {
        return array_values(array_filter($this->sandbox->state()['publishers'] ?? [],
            fn (array $p): bool => str_ends_with((string) $p['username'], '/' . $this->operatorId)));
    }

    private function otherConnection(): \Illuminate\Database\Connection
    {
        $name = 'modblocker' . ++self::$blockers;
        Database::addConnection(Capsule::connection()->getConfig(), $name);
        return Capsule::connection($name);
    }

    private function connectionId(): int
    {
        return (int) Capsule::connection()->selectOne('SELECT CONNECTION_ID() AS id')->id;
    }

    /** @return array{0: resource, 1: array<int, resource>} the db-actor.php process and its pipes */
    private function actor(array $args): array
    {
        $process = proc_open(array_merge([PHP_BINARY, __DIR__ . '/support/db-actor.php', json_encode(Capsule::connection()->getConfig())], $args),
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => STDERR], $pipes);
        self::assertIsResource($process);
        return [$process, $pipes];
    }

    private function finish(array $actor): void
    {
        fclose($actor[1][1]);
        self::assertSame(0, proc_close($actor[0]));
    }
}
