<?php
/**
 * PHP-FPM over its workers' whole lives (docs/RELIABILITY.md (c)): a static pool of 4 workers
 * with `pm.max_requests`, so that each worker is replaced after its share, serves N FastCGI
 * requests (AFLEXI_DRILL_FPM_REQUESTS, default 1,000; `make drill` 10,000), 8 in flight, while
 * the sandbox fails 10 % of the calls. The faults are the kinds the client repeats (http500,
 * reset, malformed, a server-failure fault) and each request allows 10 repeats, so a request
 * fails only if 11 draws in a row fail (10^-11): every request should succeed, and must.
 * Each answer carries the worker's pid and resident memory; a worker's memory must not grow
 * from its 10th request to its last.
 *
 * Needs php-fpm8.2 and cgi-fcgi (libfcgi-bin), which scripts/install-deps.sh installs.
 *
 * @group fpm
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\SandboxProcess;

final class FpmRecyclingTest extends ExtensionTestCase
{
    use FpmPool;

    private const WORKERS = 4;
    private const IN_FLIGHT = 8;
    /** A request still running after this many seconds counts as hung (and is killed). */
    private const REQUEST_LIMIT = 20;
    /** A worker's memory is measured from this request of its life on (the first ones warm it up). */
    private const WARM = 10;
    /** Growth of a worker's resident memory allowed from its WARM-th request to its last. */
    private const GROWTH_KB = 1024;

    protected function setUp(): void
    {
        parent::setUp();
        $this->makeFpmDir('fpm-life');
    }

    protected function tearDown(): void
    {
        $this->sandbox->calm();
        $this->stopFpm();
    }

    public function testWorkersRecycledUnderFaultsServeEveryRequestWithFlatMemory(): void
    {
        $requests = (int) (getenv('AFLEXI_DRILL_FPM_REQUESTS') ?: 1000);
        $maxRequests = max(self::WARM * 3, intdiv($requests, 5 * self::WORKERS)); // about 5 lives per worker slot
        $fpmBinary = self::tool('AFLEXI_PHP_FPM', ['php-fpm8.2', '/usr/sbin/php-fpm8.2']);
        $cgiFcgi = self::tool('AFLEXI_CGI_FCGI', ['cgi-fcgi']);
        $publisherId = $this->sandbox->seedPublishers(1, self::unique('fpmlife'))['first'];
        $socket = $this->startFpm($fpmBinary, self::WORKERS, self::REQUEST_LIMIT, $maxRequests);
        // Each request: a new client allowed 10 repeats, one API call; prints the worker's pid and resident kB.
        $script = $this->writeRequestScript(<<<'PHP'
            <?php
            header('Content-Type: text/plain');
            try {
                $id = (int) $_SERVER['AFLEXI_PUBLISHER_ID'];
                $client = new Aflexi\Client($_SERVER['AFLEXI_SANDBOX_URL'], 'acme', $_SERVER['AFLEXI_AUTH_KEY'], ['operation_timeout' => 15, 'retries' => 10]);
                $publisher = $client->getPublisher($id);
                preg_match('/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $rss);
                echo $publisher['id'] === $id ? 'OK ' . getmypid() . ' ' . $rss[1] : 'WRONG';
            } catch (Throwable $e) {
                echo 'FAIL ', get_class($e), ': ', $e->getMessage();
            }
            PHP);
        $this->sandbox->configure(['fault_rate' => 0.1, 'fault_kinds' => ['http500', 'reset', 'malformed', 'fault']]);
        $callsBefore = $this->sandbox->totalCalls();

        $failures = [];
        $hangs = 0;
        /** @var array<int, list<int>> $lives resident kB after each request, by worker pid */
        $lives = [];
        $started = microtime(true);
        $this->sendRequests($cgiFcgi, $socket, $script, $this->sandbox, $publisherId, $requests, self::IN_FLIGHT, self::REQUEST_LIMIT,
            static function (string $body, bool $hung, int $exit) use (&$failures, &$hangs, &$lives): void {
                if ($hung) {
                    $hangs++;
                } elseif (preg_match('/^OK (\d+) (\d+)$/m', $body, $m)) {
                    $lives[(int) $m[1]][] = (int) $m[2];
                } else {
                    $failures[] = "exit $exit: " . substr(trim($body), 0, 300);
                }
            });
        $elapsed = microtime(true) - $started;
        $calls = $this->sandbox->totalCalls() - $callsBefore;
        $this->sandbox->calm();
        $log = $this->fpmLogSoFar();

        // Per worker: resident memory at its WARM-th request and at its last (whole lives only).
        $growth = [];
        $warm = [];
        foreach ($lives as $rss) {
            if (count($rss) === $maxRequests) {
                $warm[] = $rss[self::WARM - 1];
                $growth[] = end($rss) - $rss[self::WARM - 1];
            }
        }
        sort($growth);
        fwrite(STDERR, sprintf(
            "\n[fpm life] %d requests, %d in flight, %d workers, pm.max_requests %d, 10 %% faults: %d ok, %d failed, %d hung; "
            . "%d calls to the sandbox (%d repeats); %d worker lives (%d whole); resident kB at the %dth request %d..%d, "
            . "growth to the last request min %d median %d max %d; %.1f s\n",
            $requests, self::IN_FLIGHT, self::WORKERS, $maxRequests, array_sum(array_map('count', $lives)), count($failures), $hangs,
            $calls, $calls - $requests, count($lives), count($growth), self::WARM, min($warm ?: [0]), max($warm ?: [0]),
            $growth[0] ?? 0, $growth[intdiv(count($growth), 2)] ?? 0, end($growth) ?: 0, $elapsed,
        ));
        self::assertSame([], array_slice($failures, 0, 5), 'failed requests (' . count($failures) . ')');
        self::assertSame(0, $hangs, 'hung requests');
        self::assertSame($requests, array_sum(array_map('count', $lives)));
        self::assertGreaterThan($requests, $calls, 'the faults were injected: some calls were repeated');
        self::assertGreaterThan(self::WORKERS, count($lives), 'workers were recycled');
        self::assertLessThanOrEqual($maxRequests, max(array_map('count', $lives)), 'no worker outlived pm.max_requests');
        self::assertNotEmpty($growth, 'at least one worker lived its whole life');
        self::assertLessThanOrEqual(self::GROWTH_KB, end($growth), 'a worker\'s memory grew over its life: ' . json_encode($growth));
        self::assertDoesNotMatchRegularExpression('/exited on signal|timed out|SIGSEGV|panicked/', $log, $log);
    }
}
