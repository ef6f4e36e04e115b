<?php
/**
 * A PHP process killed with SIGKILL in the middle of a sync (no shutdown function, no
 * rollback): running the sync again converges, with no duplicate publisher.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;

final class CrashTest extends AddonTestCase
{
    public function test_a_php_process_killed_mid_sync_converges_when_the_sync_runs_again(): void
    {
        $so = getenv('AFLEXI_EXT_SO') ?: dirname(__DIR__, 3) . '/target/release/libaflexi.so';
        $product = $this->product('Crash', 'crash');
        $n = 150;
        for ($i = 0; $i < $n; $i++) {
            $this->activeService($product, ['username' => sprintf('crash%03d', $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        // The child cannot decrypt this process's secrets: plain explicit settings for it.
        Addon::configure(self::MODULE, ['server' => 'explicit', 'endpoint' => $this->sandbox->coreUrl(), 'login' => $this->operatorLogin,
            'authkey' => $this->authKey, 'concurrency' => '2'], false);
        $this->sandbox->configure(['latency_ms' => 20]);

        $before = $this->writeCalls();
        $child = proc_open([PHP_BINARY, '-d', "extension=$so", __DIR__ . '/support/reconcile-child.php', '60000'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, getenv());
        self::assertIsResource($child);
        $pid = proc_get_status($child)['pid'];
        $deadline = microtime(true) + 30;
        while ($this->writeCalls() - $before < 20 && microtime(true) < $deadline) {
            usleep(50000);
        }
        posix_kill($pid, 9);
        $status = proc_get_status($child);
        while ($status['running']) {
            usleep(20000);
            $status = proc_get_status($child);
        }
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($child);
        self::assertTrue($status['signaled'], 'the child was killed: ' . $stderr);
        $made = count($this->mine());
        self::assertGreaterThan(0, $made);
        self::assertLessThan($n, $made, 'killed mid-sync');

        $this->sandbox->configure(['latency_ms' => 0]);
        Addon::configure(self::MODULE, ['concurrency' => '16'], false);
        Actions::runDailyCron();

        $mine = $this->mine();
        self::assertCount($n, $mine);
        self::assertCount($n, array_unique(array_map(static fn (array $p): string => strtolower($p['username']), $mine)), 'no duplicate');
        self::assertSame($n, Capsule::table(Schema::PUBLISHERS)->where('status', 'ACTIVE')->whereNotNull('publisher_id')->count());
    }

    /** @return list<array<string, mixed>> */
    private function mine(): array
    {
        return array_values(array_filter($this->aflexi()->listPublishers(), static fn (array $p): bool => str_starts_with($p['username'], 'crash')));
    }
}
