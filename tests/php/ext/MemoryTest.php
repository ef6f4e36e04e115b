<?php
/**
 * No leak per call: 100,000 calls of the rule functions and 10,000 client calls in one
 * process leave PHP's heap where it was and the process's resident memory nearly so.
 *
 * The bounds, and why they cannot flake:
 *
 * - memory_get_usage() (the Zend heap: every zval, string and array the extension builds)
 *   may grow by at most 64 KiB. The loops build and free identical values, so after
 *   warm-up the heap returns to the same size after every call; the measurement is taken
 *   with no temporaries alive and after gc_collect_cycles(), so nothing random is in it.
 *   On this machine the growth is 0 bytes. A leak of a single 16-byte allocation per call
 *   would add 1.7 MiB and fail.
 * - VmRSS (everything, Rust's own allocations included) may grow by at most 8 MiB across
 *   the measured calls. Warm-up first builds what is built once per process (the runtime,
 *   the HTTP client and its connection, the operator cache, allocator arenas), so what is
 *   left is allocator slack; it measures under 1 MiB here (see the printed figures). A
 *   leak of the smallest Rust allocation of a client call (a response of several hundred
 *   bytes) would add more than 8 MiB over 10,000 calls and fail, as would a leaked
 *   100-byte string per rule call.
 *
 * @group memory
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use function Aflexi\endpoint_from_server;
use function Aflexi\generate_password;
use function Aflexi\package_name;
use function Aflexi\username_for_addon;
use function Aflexi\username_for_service;

final class MemoryTest extends ExtensionTestCase
{
    private const RULE_CALLS = 100_000;
    private const CLIENT_CALLS = 10_000;
    private const HEAP_BOUND = 64 * 1024;
    private const RSS_BOUND = 8 * 1024 * 1024;

    public function testManyCallsDoNotGrowMemory(): void
    {
        $id = $this->sandbox->seedPublishers(1, self::unique('mem'))['first'];
        $client = $this->client();

        // Warm-up: everything built once per process is built here.
        $this->ruleCalls(5_000);
        $this->clientCalls($client, $id, 500);
        $this->expectedFailures($client, 200);

        gc_collect_cycles();
        $heapBefore = memory_get_usage();
        $rssBefore = self::rss();
        $started = microtime(true);

        $this->ruleCalls(self::RULE_CALLS);
        $this->clientCalls($client, $id, self::CLIENT_CALLS - 500); // + 500 failing ones below
        $this->expectedFailures($client, 1_000);

        gc_collect_cycles();
        $heapGrowth = memory_get_usage() - $heapBefore;
        $rssGrowth = self::rss() - $rssBefore;
        $elapsed = microtime(true) - $started;

        fwrite(STDERR, sprintf(
            "\n[memory] %d rule calls + %d client calls in %.1f s: heap %+d bytes, VmRSS %+d KiB\n",
            self::RULE_CALLS,
            self::CLIENT_CALLS,
            $elapsed,
            $heapGrowth,
            intdiv($rssGrowth, 1024),
        ));
        self::assertLessThanOrEqual(self::HEAP_BOUND, $heapGrowth, 'memory_get_usage() grew');
        self::assertLessThanOrEqual(self::RSS_BOUND, $rssGrowth, 'VmRSS grew');
    }

    private function ruleCalls(int $n): void
    {
        for ($i = 1; $i <= $n; $i++) {
            switch ($i % 5) {
                case 0:
                    username_for_service('', "user$i@example.com", (string) $i);
                    break;
                case 1:
                    username_for_addon("Svc User $i", 'x@y.z');
                    break;
                case 2:
                    generate_password();
                    break;
                case 3:
                    package_name('', "plan $i", 'Product');
                    break;
                default:
                    endpoint_from_server("api$i.example.net", 'on');
            }
        }
    }

    private function clientCalls(\Aflexi\Client $client, int $id, int $n): void
    {
        for ($i = 0; $i < $n; $i++) {
            $publisher = $client->getPublisher($id);
            if ($publisher['id'] !== $id) {
                self::fail('wrong publisher');
            }
        }
    }

    /** Calls that throw: exceptions, and their messages, must not leak either. */
    private function expectedFailures(\Aflexi\Client $client, int $n): void
    {
        for ($i = 0; $i < $n; $i++) {
            try {
                $i % 2 === 0
                    ? $client->getPublisher(900_000 + $i)
                    : username_for_service('', '', $i + 1);
                self::fail('no exception');
            } catch (\Aflexi\Exception) {
            }
        }
    }

    /** Resident set size of this process, in bytes. */
    private static function rss(): int
    {
        $status = (string) file_get_contents('/proc/self/status');
        if (!preg_match('/^VmRSS:\s+(\d+) kB$/m', $status, $m)) {
            self::fail('no VmRSS in /proc/self/status');
        }
        return (int) $m[1] * 1024;
    }
}
