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
    private const WORKERS = 4;
    private const IN_FLIGHT = 8;
    /** A request still running after this many seconds counts as hung (and is killed). */
    private const REQUEST_LIMIT = 20;
    /** A worker's memory is measured from this request of its life on (the first ones warm it up). */
    private const WARM = 10;
    /** Growth of a worker's resident memory allowed from its WARM-th request to its last. */
    private const GROWTH_KB = 1024;

    private string $dir;
    /** @var resource|null */
    private $fpm = null;
    /** @var array<int, resource> */
    private array $fpmPipes = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->dir = sys_get_temp_dir() . '/aflexi-fpm-life-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700, true);
    }

    protected function tearDown(): void
    {
        $this->sandbox->calm();
        if (is_resource($this->fpm)) {
            $pid = proc_get_status($this->fpm)['pid'];
            proc_terminate($this->fpm, SIGTERM); // fast shutdown: the master ends its workers and exits
            foreach ($this->fpmPipes as $pipe) {
                fclose($pipe);
            }
            proc_close($this->fpm); // waits for it
            SandboxProcess::forgetPid($pid);
        }
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    public function testWorkersRecycledUnderFaultsServeEveryRequestWithFlatMemory(): void
    {
        $requests = (int) (getenv('AFLEXI_DRILL_FPM_REQUESTS') ?: 1000);
        $maxRequests = max(self::WARM * 3, intdiv($requests, 5 * self::WORKERS)); // about 5 lives per worker slot
        $fpmBinary = self::tool('AFLEXI_PHP_FPM', ['php-fpm8.2', '/usr/sbin/php-fpm8.2']);
        $cgiFcgi = self::tool('AFLEXI_CGI_FCGI', ['cgi-fcgi']);
        $publisherId = $this->sandbox->seedPublishers(1, self::unique('fpmlife'))['first'];
        $socket = $this->startFpm($fpmBinary, $maxRequests);
        $script = $this->writeRequestScript();
        $this->sandbox->configure(['fault_rate' => 0.1, 'fault_kinds' => ['http500', 'reset', 'malformed', 'fault']]);
        $callsBefore = $this->sandbox->totalCalls();

        $env = [
            'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/request.php',
            'REQUEST_METHOD' => 'GET',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'AFLEXI_SANDBOX_URL' => $this->sandbox->coreUrl(),
            'AFLEXI_AUTH_KEY' => SandboxProcess::AUTH_KEY,
            'AFLEXI_PUBLISHER_ID' => (string) $publisherId,
        ];
        $command = ['timeout', '-s', 'KILL', (string) self::REQUEST_LIMIT, $cgiFcgi, '-bind', '-connect', $socket];

        $failures = [];
        $hangs = 0;
        /** @var array<int, list<int>> $lives resident kB after each request, by worker pid */
        $lives = [];
        $running = [];
        $sent = 0;
        $log = '';
        $started = microtime(true);
        while ($sent < $requests || $running !== []) {
            $log .= $this->fpmLog(); // drained as it comes: a full pipe would stop the master
            while ($sent < $requests && count($running) < self::IN_FLIGHT) {
                $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, $this->dir, $env);
                self::assertIsResource($process, 'cannot run cgi-fcgi');
                stream_set_blocking($pipes[1], false);
                $running[] = ['process' => $process, 'out' => $pipes[1], 'body' => ''];
                $sent++;
            }
            foreach ($running as $i => &$request) {
                $request['body'] .= (string) stream_get_contents($request['out']);
                $status = proc_get_status($request['process']);
                if ($status['running']) {
                    continue;
                }
                $request['body'] .= (string) stream_get_contents($request['out']);
                fclose($request['out']);
                proc_close($request['process']);
                if ($status['signaled'] || $status['exitcode'] === 124 || $status['exitcode'] === 137) {
                    $hangs++;
                } elseif (preg_match('/^OK (\d+) (\d+)$/m', $request['body'], $m)) {
                    $lives[(int) $m[1]][] = (int) $m[2];
                } else {
                    $failures[] = "exit {$status['exitcode']}: " . substr(trim($request['body']), 0, 300);
                }
                unset($running[$i]);
            }
            unset($request);
            // Blocks until a request writes or ends (its pipe then reads as end of file).
            $read = array_column($running, 'out');
            $write = $except = null;
            if ($read !== []) {
                @stream_select($read, $write, $except, 1);
            }
        }
        $elapsed = microtime(true) - $started;
        $calls = $this->sandbox->totalCalls() - $callsBefore;
        $this->sandbox->calm();
        $log .= $this->fpmLog();

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

    /**
     * Starts php-fpm with the extension and a static pool of 4 workers, each replaced after
     * $maxRequests requests; returns the socket once the master says it is ready (its log
     * goes to a pipe read here, so nothing waits for time to pass).
     */
    private function startFpm(string $binary, int $maxRequests): string
    {
        $socket = $this->dir . '/fpm.sock';
        $runAsRoot = function_exists('posix_getuid') && posix_getuid() === 0;
        file_put_contents($this->dir . '/fpm.conf', implode("\n", [
            '[global]',
            'pid = ' . $this->dir . '/fpm.pid',
            'error_log = /proc/self/fd/2',
            'daemonize = no',
            'log_level = notice',
            '[aflexi]',
            'listen = ' . $socket,
            'pm = static',
            'pm.max_children = ' . self::WORKERS,
            'pm.max_requests = ' . $maxRequests,
            'request_terminate_timeout = ' . (self::REQUEST_LIMIT + 10) . 's',
            'catch_workers_output = yes',
            '',
        ]));
        $command = array_merge(
            [$binary, '-n', '-F', '-y', $this->dir . '/fpm.conf', '-d', 'extension=' . self::extensionPath(),
             '-d', 'display_errors=stderr', '-d', 'log_errors=On'],
            $runAsRoot ? ['-R'] : [],
        );
        $this->fpm = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . '/fpm.out', 'a'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($this->fpm, 'cannot start php-fpm');
        $this->fpmPipes = [$pipes[2]];
        SandboxProcess::rememberPid(proc_get_status($this->fpm)['pid']);
        $seen = '';
        while (($line = fgets($pipes[2])) !== false) {
            $seen .= $line;
            if (str_contains($line, 'ready to handle connections')) {
                stream_set_blocking($pipes[2], false);
                return $socket;
            }
        }
        self::fail('php-fpm did not start: ' . $seen . @file_get_contents($this->dir . '/fpm.out'));
    }

    /** What php-fpm logged since the last read. */
    private function fpmLog(): string
    {
        return (string) stream_get_contents($this->fpmPipes[0]);
    }

    /** The PHP script each request runs: a new client allowed 10 repeats, one API call; prints the worker's pid and resident kB. */
    private function writeRequestScript(): string
    {
        $path = $this->dir . '/request.php';
        file_put_contents($path, <<<'PHP'
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
        return $path;
    }
}
