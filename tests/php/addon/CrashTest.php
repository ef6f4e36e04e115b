<?php
/**
 * A PHP process killed with SIGKILL in the middle of a sync (no shutdown function, no
 * rollback): running the sync again converges, with no duplicate publisher, and no created
 * publisher's password is lost (it was held pending in the record before the create call).
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;
use WhmcsHarness\Crypto;

final class CrashTest extends AddonTestCase
{
    public function testAPhpProcessKilledMidSyncConvergesWhenTheSyncRunsAgain(): void
    {
        $so = getenv('AFLEXI_EXT_SO') ?: dirname(__DIR__, 3) . '/target/release/libaflexi.so';
        $product = $this->product('Crash', 'crash');
        $n = 150;
        for ($i = 0; $i < $n; $i++) {
            $this->activeService($product, ['username' => sprintf('crash%03d', $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        Addon::configure(self::MODULE, ['concurrency' => '2'], false);
        $this->sandbox->configure(['latency_ms' => 20]);

        $before = $this->sandbox->answered('writes');
        $child = proc_open([PHP_BINARY, '-d', "extension=$so", __DIR__ . '/support/reconcile-child.php', '60000'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['AFLEXI_TEST_CRYPTO_KEY' => Crypto::exportKey()] + getenv());
        self::assertIsResource($child);
        $pid = proc_get_status($child)['pid'];
        $this->sandbox->answered('writes', $before + 20); // the child is mid-sync
        posix_kill($pid, SIGKILL);
        pcntl_waitpid($pid, $wait); // blocks until the child is gone
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($child);
        self::assertTrue(pcntl_wifsignaled($wait), 'the child was killed: ' . $stderr);
        $made = count($this->mine());
        self::assertGreaterThan(0, $made);
        self::assertLessThan($n, $made, 'killed mid-sync');
        // No password lost: every publisher the killed run made has its password in its record,
        // confirmed or still pending (held before the create call).
        $held = [];
        foreach ($this->mine() as $p) {
            $local = explode('/', $p['username'])[0];
            $row = $this->record((int) Capsule::table('tblhosting')->where('username', $local)->value('id'));
            self::assertNotNull($row, "record of $local");
            $password = decrypt((string) ($row->password ?? $row->pending_password));
            self::assertTrue($this->passwordWorks($local, $password), "the held password of $local works");
            $held[$local] = $password;
        }

        $this->sandbox->configure(['latency_ms' => 0]);
        Addon::configure(self::MODULE, ['concurrency' => '16'], false);
        Actions::runDailyCron();

        $mine = $this->mine();
        self::assertCount($n, $mine);
        self::assertCount($n, array_unique(array_map(static fn (array $p): string => strtolower($p['username']), $mine)), 'no duplicate');
        self::assertSame($n, Capsule::table(Schema::PUBLISHERS)->where('status', 'ACTIVE')->whereNotNull('publisher_id')->count());
        // The password shown for each publisher is the one Aflexi has; the ones made by the
        // killed run kept theirs (the rerun reused the held password, made no new one).
        foreach (Capsule::table(Schema::PUBLISHERS)->get() as $row) {
            self::assertNull($row->pending_password);
            $password = decrypt((string) $row->password);
            self::assertTrue($this->passwordWorks($row->username, $password), "the shown password of $row->username works");
            if (isset($held[$row->username])) {
                self::assertSame($held[$row->username], $password);
            }
        }
    }

    /** @return list<array<string, mixed>> */
    private function mine(): array
    {
        return array_values(array_filter($this->aflexi()->listPublishers(), static fn (array $p): bool => str_starts_with($p['username'], 'crash')));
    }
}
