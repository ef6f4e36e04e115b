<?php
/**
 * Slow and near-limit answers under load, seen from PHP (docs/RELIABILITY.md (i)): 16 PHP
 * processes with the extension call at once through the `aflexi-wire` server, which trickles
 * the sandbox's real answers one byte every 10 ms (slow-loris: each would complete in seconds)
 * or pads them to the size limit. Each call must end with the exception of the limit that
 * applies (or succeed at exactly the limit); a limit that did not hold would turn the
 * TimeoutException into a success, so kinds are asserted, never elapsed time. Each process
 * reports its peak resident memory, which must stay bounded by the size limit.
 *
 *   AFLEXI_DRILL_WIRE_LIMIT_BYTES: the size limit of the near-limit tests (1 MiB in make test;
 *   make drill uses the default limit, 16 MiB, and prints the memory figures)
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\ChildProcess;
use AflexiTests\Support\WireProcess;

require_once dirname(__DIR__) . '/support/WireProcess.php';

final class WireLimitsTest extends ExtensionTestCase
{
    private const PROCESSES = 16;
    private const WATCHDOG_SECONDS = 120;

    private WireProcess $wire;
    private int $publisher;

    protected function setUp(): void
    {
        parent::setUp();
        $this->wire = new WireProcess($this->sandbox);
        $found = $this->client()->findPublisher('wire_limits');
        $this->publisher = (int) ($found['id'] ?? $this->client()->createPublisher([
            'username' => 'wire_limits', 'email' => 'wire_limits@example.com', 'name' => 'Limits',
            'password' => 'Wire-limits-pass-1', 'package' => 'Gold',
        ])['publisher']['id']);
    }

    protected function tearDown(): void
    {
        $this->wire->stop();
    }

    public function testSixteenSlowLorisAnswersAreEndedByTheRequestTimeout(): void
    {
        $this->wire->mode(['mode' => 'trickle', 'every_ms' => 10]);
        // Half look a publisher up (a read), half suspend it (a write): 0.3 s a request, no repeat.
        $results = $this->atOnce(['findPublisher', 'suspend'], ['timeout' => 0.3, 'retries' => 0, 'operation_timeout' => 30]);
        self::assertSame(array_fill(0, self::PROCESSES, \Aflexi\TimeoutException::class), array_column($results, 'outcome'), json_encode($results));
    }

    public function testSixteenSlowLorisAnswersAreEndedByTheOperationTimeoutDespiteRepeats(): void
    {
        $this->wire->mode(['mode' => 'trickle', 'every_ms' => 10]);
        $results = $this->atOnce(['listPackages'], ['timeout' => 60, 'retries' => 5, 'operation_timeout' => 0.5]);
        self::assertSame(array_fill(0, self::PROCESSES, \Aflexi\TimeoutException::class), array_column($results, 'outcome'), json_encode($results));
    }

    public function testSixteenAnswersOfExactlyTheSizeLimitAreReadAndOneByteMoreIsTooLarge(): void
    {
        $limit = (int) (getenv('AFLEXI_DRILL_WIRE_LIMIT_BYTES') ?: 1024 * 1024);
        $options = ['max_response_bytes' => $limit, 'retries' => 2];
        $figures = [];
        foreach ([
            [$limit, true, 'ok'], [$limit, false, 'ok'],
            [$limit + 1, true, \Aflexi\ResponseTooLargeException::class],
            [$limit + 1, false, \Aflexi\ResponseTooLargeException::class],
        ] as [$size, $contentLength, $expected]) {
            $this->wire->mode(['mode' => 'pad', 'size' => $size, 'content_length' => $contentLength]);
            $results = $this->atOnce(['findPublisher'], $options);
            $what = sprintf('%d bytes, %s Content-Length', $size, $contentLength ? 'with' : 'without');
            self::assertSame(array_fill(0, self::PROCESSES, $expected), array_column($results, 'outcome'), "$what: " . json_encode($results));
            $growth = array_map(static fn (array $r): int => $r['peak_after_kib'] - $r['peak_before_kib'], $results);
            $before = array_column($results, 'peak_before_kib');
            $figures[] = sprintf('%s: %d x %s; peak RSS per process %d-%d kB before, +%d to +%d kB by the call', $what, self::PROCESSES, $expected === 'ok' ? 'ok' : 'too_large', min($before), max($before), min($growth), max($growth));
            // Bounded by the limit: the body and its decoded value, plus a little (not 16 x).
            self::assertLessThanOrEqual(intdiv(3 * $limit, 1024) + 8 * 1024, max($growth), $what);
        }
        fwrite(STDERR, "\nPHP near-limit answers, limit $limit bytes:\n  " . implode("\n  ", $figures) . "\n");
    }

    /**
     * Starts 16 PHP processes making the given calls in turn, lets them all call at once, and
     * returns each one's line.
     *
     * @param list<string> $calls
     * @return list<array<string, mixed>>
     */
    private function atOnce(array $calls, array $options): array
    {
        $children = [];
        $stderr = tempnam(sys_get_temp_dir(), 'wire-limits-err-');
        for ($i = 0; $i < self::PROCESSES; $i++) {
            $process = proc_open(
                [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), __DIR__ . '/support/wire-limits-child.php',
                 $this->wire->url(), $calls[$i % count($calls)], json_encode($options), (string) $this->publisher],
                [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'a']],
                $pipes
            );
            self::assertIsResource($process);
            ChildProcess::rememberPid((int) proc_get_status($process)['pid']);
            $children[] = [$process, $pipes];
        }
        foreach ($children as [, $pipes]) {
            $ready = ChildProcess::readLine($pipes[1], self::WATCHDOG_SECONDS);
            self::assertSame('ready', $ready, (string) file_get_contents($stderr));
        }
        foreach ($children as [, $pipes]) {
            fwrite($pipes[0], "go\n");
        }
        $results = [];
        foreach ($children as [$process, $pipes]) {
            $line = ChildProcess::readLine($pipes[1], self::WATCHDOG_SECONDS);
            $pid = (int) proc_get_status($process)['pid'];
            if ($line === '') {
                proc_terminate($process, 9);
            }
            fclose($pipes[0]);
            fclose($pipes[1]);
            proc_close($process);
            ChildProcess::forgetPid($pid);
            self::assertNotSame('', $line, 'a process gave no answer within the watchdog (a hang) ' . file_get_contents($stderr));
            $results[] = json_decode($line, true, 512, JSON_THROW_ON_ERROR);
        }
        @unlink($stderr);
        return $results;
    }
}
