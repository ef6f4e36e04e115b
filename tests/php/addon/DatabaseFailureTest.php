<?php
/**
 * The database fails under a Save Settings run (docs/RELIABILITY.md (g)): the step stops with a
 * message that says what happened (never the SQL statement), the run's lease is freed, and
 * Continue finishes the run with Aflexi and the records in agreement and no duplicate.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\DatabaseFailure;
use WHMCS\Module\Addon\AflexiCdn\Runs;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WHMCS\Module\Addon\AflexiCdn\Settings;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Database;

final class DatabaseFailureTest extends AddonTestCase
{
    private const SERVICES = 30;

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
            Capsule::schema()->dropIfExists(Schema::PUBLISHERS); // setUp's Schema::ensure makes it again
            exec('umount ' . escapeshellarg($this->smallDisk) . ' && rmdir ' . escapeshellarg($this->smallDisk));
        }
        parent::tearDown();
    }

    public function testALockWaitTimeoutStopsTheStepClearlyAndContinueFinishesTheRun(): void
    {
        $product = $this->syncedServices('lockwait');
        Capsule::table('tblproducts')->where('id', $product)->update(['configoption1' => 'silver']);
        // A second connection holds every record's row; this session gives up after 1 s.
        $blocker = $this->blocker();
        $blocker->beginTransaction();
        $blocker->table(Schema::PUBLISHERS)->lockForUpdate()->get();
        Capsule::connection()->statement('SET SESSION innodb_lock_wait_timeout = 1');

        [$runs, $runId] = $this->failedFirstStep('innodb_lock_wait_timeout');

        $blocker->rollBack();
        self::assertSame(Runs::DONE, $runs->step($runId));
        $this->assertAgreement('silver');
    }

    public function testAConnectionKilledMidStepStopsItAndTheNextStepFinishesTheRun(): void
    {
        $product = $this->product('Killed', 'gold');
        for ($i = 0; $i < self::SERVICES; $i++) {
            $this->activeService($product, ['username' => sprintf('killed%02d', $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        \WhmcsHarness\Addon::configure(self::MODULE, ['concurrency' => '2'], false);
        $this->sandbox->configure(['latency_ms' => 40]);
        $actor = $this->actor(['save', '1']);
        $before = $this->sandbox->answered('writes');
        self::go($actor);
        // The child's connection holds the sync lock while its step works; once Aflexi has
        // seen a few of its writes, that connection is killed from this one.
        $name = 'aflexi_cdn_sync.' . Capsule::connection()->getDatabaseName();
        $this->sandbox->answered('writes', $before + 6);
        $holder = Capsule::connection()->selectOne('SELECT IS_USED_LOCK(?) AS id', [$name])->id;
        self::assertNotNull($holder, 'the step holds the sync lock while Aflexi sees its writes');
        Capsule::connection()->statement('KILL CONNECTION ' . (int) $holder);
        $out = self::finish($actor);
        $this->sandbox->calm();

        self::assertGreaterThanOrEqual(1, $out['steps']['error'] ?? 0, 'the step that lost its connection stopped: ' . json_encode($out));
        $run = Capsule::table(Schema::RUNS)->orderByDesc('id')->first();
        self::assertSame(Runs::DONE, $run->status);
        self::assertNull($run->error);
        $this->assertAgreement('gold');
    }

    public function testADeadlockWhoseVictimIsTheStepIsReportedAndContinueFinishesTheRun(): void
    {
        $product = $this->syncedServices('deadlock');
        Capsule::table('tblproducts')->where('id', $product)->update(['configoption1' => 'silver']);
        $ids = Capsule::table(Schema::PUBLISHERS)->orderBy('service_id')->pluck('service_id')->all();
        $last = (int) array_pop($ids);
        // The blocker is made the heavier transaction (2,000 rows written), so that MariaDB
        // rolls back the step, the lighter one, when the cycle closes; it holds the last record.
        $blocker = $this->blocker();
        $blocker->statement('CREATE TABLE drill_ballast (n INT PRIMARY KEY) ENGINE=InnoDB');
        $blocker->beginTransaction();
        $blocker->statement('INSERT INTO drill_ballast SELECT seq FROM seq_1_to_2000');
        $blocker->table(Schema::PUBLISHERS)->where('service_id', $last)->lockForUpdate()->get();

        $runs = new Runs(Settings::load());
        $runId = $runs->start(1);
        $actor = $this->actor(['step', (string) $runId]);
        self::go($actor);
        // The step's record write takes rows until it waits at the blocker's; once it holds one,
        // the blocker asks for that one: each waits for the other.
        $held = $this->awaitOneHeldByAnother(array_map('intval', $ids), $actor);
        $blocker->table(Schema::PUBLISHERS)->where('service_id', $held)->lockForUpdate()->get();
        $page = (string) (self::finish($actor)['page'] ?? '');
        $blocker->rollBack();

        $run = $runs->find($runId);
        self::assertSame(Runs::RUNNING, $run->status);
        self::assertNull($run->locked_until, 'the lease is freed: Continue works at once');
        self::assertStringContainsString('victim of a deadlock', (string) $run->error);
        self::assertStringContainsString('victim of a deadlock', $page, 'the admin is told');
        self::assertStringContainsString('id="aflexi-step"', $page, 'with Continue');
        self::assertStringNotContainsStringIgnoringCase('insert into', $page, 'never the SQL statement');
        self::assertStringNotContainsString('SQLSTATE', $page);
        self::assertSame(0, Capsule::table(Schema::PUBLISHERS)->where('package', 'silver')->count(), 'the step\'s writes were rolled back whole');

        self::assertSame(Runs::DONE, $runs->step($runId));
        $this->assertAgreement('silver');
    }

    public function testADiskFullStopsTheStepClearlyAndContinueFinishesTheRunOnceThereIsRoom(): void
    {
        // The records table on a 1 MiB tmpfs, filled up: InnoDB cannot extend its file (errno 28).
        $root = $this->privateMariaDbAsRoot();
        $this->smallDisk = $dir = sys_get_temp_dir() . '/aflexi-small-disk-' . getmypid();
        mkdir($dir);
        exec('mount -t tmpfs -o size=1m tmpfs ' . escapeshellarg($dir), $_, $status);
        if ($status !== 0) {
            rmdir($dir);
            $this->smallDisk = null;
            self::markTestSkipped('mounting a tmpfs needs root (CI runs as root)');
        }
        $create = (string) $root->query('SHOW CREATE TABLE ' . Schema::PUBLISHERS)->fetchColumn(1);
        $root->exec('DROP TABLE ' . Schema::PUBLISHERS);
        $root->exec($create . ' DATA DIRECTORY = ' . $root->quote($dir));
        $filler = "$dir/filler";
        $chunk = str_repeat("\0", 4096);
        $handle = fopen($filler, 'wb');
        while (@fwrite($handle, $chunk) === 4096 && fflush($handle)) {
            // until the tmpfs answers ENOSPC
        }
        fclose($handle);

        $product = $this->product('Full', 'gold');
        for ($i = 0; $i < 200; $i++) {
            $this->activeService($product, ['username' => sprintf('full%03d', $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        [$runs, $runId] = $this->failedFirstStep('its disk or table is full');

        unlink($filler); // room again
        $state = $runs->step($runId);
        for ($steps = 1; $state === 'more' && $steps < 20; $steps++) {
            $state = $runs->step($runId);
        }
        self::assertSame(Runs::DONE, $state);
        $this->assertAgreement('gold', 200);
    }

    public function testFailuresAreToldApartByTheDatabaseErrorNumber(): void
    {
        $kinds = [1927 => 'connection_lost', 2006 => 'connection_lost', 1213 => 'deadlock', 1205 => 'lock_wait_timeout',
            1114 => 'disk_full', 1021 => 'disk_full'];
        foreach ($kinds as $number => $kind) {
            $pdo = new \PDOException('whatever the text says');
            $pdo->errorInfo = ['HY000', $number, 'text'];
            self::assertSame($kind, DatabaseFailure::of(new \RuntimeException('wrapped', 0, $pdo))?->kind);
        }
        $other = new \PDOException('Duplicate entry');
        $other->errorInfo = ['23000', 1062, 'Duplicate entry'];
        self::assertNull(DatabaseFailure::of($other), 'other errors are not hidden as a database failure');
    }

    /** Services of a product synced once (all ACTIVE on $package): the product id. */
    private function syncedServices(string $prefix): int
    {
        $product = $this->product(ucfirst($prefix), 'gold');
        for ($i = 0; $i < self::SERVICES; $i++) {
            $this->activeService($product, ['username' => sprintf('%s%02d', $prefix, $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        $runs = new Runs(Settings::load());
        $runId = $runs->start(1);
        self::assertSame(Runs::DONE, $runs->step($runId));
        self::assertSame(self::SERVICES, Capsule::table(Schema::PUBLISHERS)->where('package', 'gold')->whereNotNull('publisher_id')->count());
        return $product;
    }

    /**
     * Waits, while $actor runs, until another transaction holds one of the records of
     * $serviceIds (SKIP LOCKED leaves it out), and returns its service id.
     *
     * @param list<int> $serviceIds
     */
    private function awaitOneHeldByAnother(array $serviceIds, array $actor): int
    {
        $sql = sprintf('SELECT service_id FROM %s WHERE service_id IN (%s) FOR UPDATE SKIP LOCKED',
            Schema::PUBLISHERS, implode(',', array_fill(0, count($serviceIds), '?')));
        while (count($free = array_column(Capsule::connection()->select($sql, $serviceIds), 'service_id')) === count($serviceIds)) {
            if (!proc_get_status($actor[0])['running']) {
                self::fail('the step ended before it held a record: ' . json_encode(self::finish($actor)));
            }
        }
        return (int) current(array_diff($serviceIds, array_map('intval', $free)));
    }

    /** Root on the suite's private MariaDB (its socket; CREATE TABLE ... DATA DIRECTORY needs the FILE privilege). */
    private function privateMariaDbAsRoot(): \PDO
    {
        $dir = getenv('AFLEXI_MARIADB_DIR');
        if ($dir === false || posix_getuid() !== 0) {
            self::markTestSkipped('needs the private MariaDB of tests/whmcs/run-phpunit.sh and root');
        }
        $pdo = new \PDO("mysql:unix_socket=$dir/mariadbd.sock;dbname=" . Capsule::connection()->getDatabaseName(), 'root', '');
        $pdo->setAttribute(\PDO::ATTR_ERRMODE, \PDO::ERRMODE_EXCEPTION);
        return $pdo;
    }

    private function blocker(): \Illuminate\Database\Connection
    {
        // A name of its own per test: tearDown disconnects it, and a closed one is not reopened.
        $name = 'blocker' . ++self::$blockers;
        Database::addConnection(Capsule::connection()->getConfig(), $name);
        return $this->blocker = Capsule::connection($name);
    }

    /** Aflexi has one publisher per service, each ACTIVE on $package, and the records say so with a working password. */
    private function assertAgreement(string $package, int $services = self::SERVICES): void
    {
        $names = array_map(static fn (array $p): string => strtolower(explode('/', $p['username'])[0]), $this->aflexi()->listPublishers());
        self::assertCount($services, $names);
        self::assertCount($services, array_unique($names), 'no duplicate publisher');
        $rows = Capsule::table(Schema::PUBLISHERS)->get();
        self::assertCount($services, $rows);
        foreach ($rows as $row) {
            self::assertSame('ACTIVE', $row->status);
            self::assertSame($package, $row->package);
            self::assertNull($row->last_error);
            self::assertNull($row->pending_password);
            self::assertTrue($this->passwordWorks($row->username, decrypt((string) $row->password)), "password of $row->username");
            $link = $this->sandbox->link((int) $row->publisher_id);
            self::assertSame($package, (string) ($this->sandbox->package((int) $link['package'])['name'] ?? ''));
        }
    }

    /**
     * Starts a run and steps it once from the admin page, where the database fails: the run is
     * still running, its lease free (Continue works at once), its error and the page say
     * `$why`, with Continue, never the SQL. Returns the run.
     *
     * @return array{0: Runs, 1: int}
     */
    private function failedFirstStep(string $why): array
    {
        $runs = new Runs(Settings::load());
        $runId = $runs->start(1);
        $page = AddonPage::post(self::MODULE, [], ['action' => 'step', 'run' => (string) $runId]);

        $run = $runs->find($runId);
        self::assertSame(Runs::RUNNING, $run->status);
        self::assertNull($run->locked_until, 'the lease is freed: Continue works at once');
        self::assertStringContainsString($why, (string) $run->error);
        self::assertStringContainsString($why, $page, 'the admin is told');
        self::assertStringContainsString('id="aflexi-step"', $page, 'with Continue');
        self::assertStringNotContainsStringIgnoringCase('insert into', $page, 'never the SQL statement');
        self::assertStringNotContainsString('SQLSTATE', $page);
        return [$runs, $runId];
    }
}
