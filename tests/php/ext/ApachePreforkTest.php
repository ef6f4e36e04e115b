<?php
/**
 * The extension under Apache prefork + mod_php (docs/RELIABILITY.md (c)): four worker processes
 * forked from Apache's parent, which loaded the extension, each replaced after a number of
 * connections (MaxConnectionsPerChild, as pm.max_requests for PHP-FPM), while the sandbox
 * fails 10 % of the calls. Every request must succeed (each is allowed 10 repeats), none may
 * hang, workers must be replaced, and a worker's memory must stay flat over its life.
 *
 *   AFLEXI_DRILL_APACHE_REQUESTS (1,000 in make test; more in make drill)
 * Needs apache2 and libapache2-mod-php8.2 (scripts/install-deps.sh); skipped without them.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\ChildProcess;
use AflexiTests\Support\SandboxProcess;

final class ApachePreforkTest extends ExtensionTestCase
{
    private const WORKERS = 4;
    private const IN_FLIGHT = 8;
    private const WARM = 10;
    private const GROWTH_KB = 1024;
    /** A request still unanswered after this long is counted as hung. */
    private const WATCHDOG_SECONDS = 30;

    /** @var resource|null */
    private $apache = null;
    private string $dir = '';

    protected function tearDown(): void
    {
        $this->sandbox->calm();
        if (is_resource($this->apache)) {
            $pid = (int) proc_get_status($this->apache)['pid'];
            proc_terminate($this->apache, 15);
            proc_close($this->apache); // waits for Apache to stop its workers
            ChildProcess::forgetPid($pid);
        }
        if ($this->dir !== '') {
            exec('rm -rf ' . escapeshellarg($this->dir));
        }
    }

    public function testPreforkWorkersRecycledUnderFaultsServeEveryRequestWithFlatMemory(): void
    {
        $binary = '/usr/sbin/apache2';
        if (!is_executable($binary) || !is_file('/usr/lib/apache2/modules/libphp8.2.so')) {
            self::markTestSkipped('apache2 and libapache2-mod-php8.2 are not installed (scripts/install-deps.sh)');
        }
        $requests = (int) (getenv('AFLEXI_DRILL_APACHE_REQUESTS') ?: 1000);
        $maxConnections = max(self::WARM * 3, intdiv($requests, 5 * self::WORKERS)); // about 5 lives per worker slot
        $publisherId = $this->sandbox->seedPublishers(1, self::unique('apache'))['first'];
        $url = $this->startApache($maxConnections, $publisherId);

        $this->sandbox->configure(['fault_rate' => 0.1, 'fault_kinds' => ['http500', 'reset', 'malformed', 'fault']]);
        $callsBefore = $this->sandbox->totalCalls();
        $lives = [];
        $failures = [];
        $hangs = 0;
        foreach ($this->get($url, $requests) as $body) {
            if ($body === null) {
                $hangs++;
            } elseif (preg_match('/^OK (\d+) (\d+)$/m', $body, $m)) {
                $lives[(int) $m[1]][] = (int) $m[2];
            } else {
                $failures[] = substr(trim($body), 0, 300);
            }
        }
        $calls = $this->sandbox->totalCalls() - $callsBefore;
        $this->sandbox->calm();

        $growth = [];
        $warm = [];
        foreach ($lives as $rss) {
            if (count($rss) === $maxConnections) {
                $warm[] = $rss[self::WARM - 1];
                $growth[] = end($rss) - $rss[self::WARM - 1];
            }
        }
        sort($growth);
        fwrite(STDERR, sprintf(
            "\n[apache prefork] %d requests, %d in flight, %d workers, MaxConnectionsPerChild %d, 10 %% faults: %d ok, %d failed, %d hung; "
            . "%d calls to the sandbox (%d repeats); %d worker lives (%d whole); resident kB at the %dth request %d..%d, growth to the last min %d median %d max %d\n",
            $requests, self::IN_FLIGHT, self::WORKERS, $maxConnections, array_sum(array_map('count', $lives)), count($failures), $hangs,
            $calls, $calls - $requests, count($lives), count($growth), self::WARM, min($warm ?: [0]), max($warm ?: [0]),
            $growth[0] ?? 0, $growth[intdiv(count($growth), 2)] ?? 0, end($growth) ?: 0,
        ));
        self::assertSame([], array_slice($failures, 0, 5), 'failed requests (' . count($failures) . ')');
        self::assertSame(0, $hangs, 'hung requests');
        self::assertSame($requests, array_sum(array_map('count', $lives)));
        self::assertGreaterThan($requests, $calls, 'the faults were injected: some calls were repeated');
        self::assertGreaterThan(self::WORKERS, count($lives), 'workers were replaced');
        self::assertLessThanOrEqual($maxConnections, max(array_map('count', $lives)), 'no worker outlived MaxConnectionsPerChild');
        self::assertNotEmpty($growth, 'at least one worker lived its whole life');
        self::assertLessThanOrEqual(self::GROWTH_KB, end($growth), 'a worker\'s memory grew over its life: ' . json_encode($growth));
    }

    /** Starts Apache (tests/apache/httpd.conf.in) in the foreground; its URL once it serves. */
    private function startApache(int $maxConnections, int $publisherId): string
    {
        $this->dir = sys_get_temp_dir() . '/aflexi-apache-' . getmypid();
        mkdir($this->dir . '/www', 0755, true);
        chmod($this->dir, 0755);
        file_put_contents($this->dir . '/php.ini', 'extension=' . self::extensionPath() . "\n");
        // Each request: a new client allowed 10 repeats, one API call; prints the worker's pid and resident kB.
        file_put_contents($this->dir . '/www/request.php', <<<'PHP'
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
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $conf = strtr((string) file_get_contents(dirname(__DIR__, 2) . '/apache/httpd.conf.in'), [
            '@DIR@' => $this->dir, '@PORT@' => (string) $port, '@MAX_CONNECTIONS@' => (string) $maxConnections,
            '@USER@' => posix_getuid() === 0 ? "User www-data\nGroup www-data" : '',
            '@SANDBOX_URL@' => $this->sandbox->coreUrl(), '@AUTH_KEY@' => SandboxProcess::AUTH_KEY,
            '@PUBLISHER_ID@' => (string) $publisherId,
        ]);
        file_put_contents($this->dir . '/httpd.conf', $conf);
        // In a session of its own: prefork stops by signalling its whole process group.
        $this->apache = proc_open(['setsid', '/usr/sbin/apache2', '-f', $this->dir . '/httpd.conf', '-DFOREGROUND'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . '/stdout.log', 'a'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($this->apache);
        ChildProcess::rememberPid((int) proc_get_status($this->apache)['pid']);
        // Ready once the parent says it resumes normal operations (its log, read as it comes).
        $log = '';
        while (!str_contains($log, 'resuming normal operations')) {
            $line = fgets($pipes[2]);
            self::assertNotFalse($line, "Apache did not start:\n$log");
            $log .= $line;
        }
        return "http://127.0.0.1:$port/request.php";
    }

    /**
     * GETs $url $count times, IN_FLIGHT at once, one connection each; the bodies, null for one
     * not answered within the watchdog.
     *
     * @return list<?string>
     */
    private function get(string $url, int $count): array
    {
        $host = (string) parse_url($url, PHP_URL_HOST) . ':' . (string) parse_url($url, PHP_URL_PORT);
        $request = 'GET ' . parse_url($url, PHP_URL_PATH) . " HTTP/1.0\r\nHost: $host\r\n\r\n";
        $bodies = [];
        $open = [];
        $sent = 0;
        while ($sent < $count || $open !== []) {
            while ($sent < $count && count($open) < self::IN_FLIGHT) {
                $stream = stream_socket_client("tcp://$host", $errno, $error, 10);
                self::assertNotFalse($stream, "connect: $error");
                fwrite($stream, $request);
                stream_set_blocking($stream, false);
                $open[(int) $stream] = [$stream, '', microtime(true) + self::WATCHDOG_SECONDS];
                $sent++;
            }
            $read = array_column($open, 0);
            $write = $except = null;
            stream_select($read, $write, $except, 1);
            foreach ($read as $stream) {
                $open[(int) $stream][1] .= (string) fread($stream, 65536);
            }
            foreach ($open as $id => [$stream, $answer, $deadline]) {
                if (feof($stream) || microtime(true) > $deadline) {
                    $bodies[] = feof($stream) ? (string) substr($answer, (int) strpos($answer, "\r\n\r\n") + 4) : null;
                    fclose($stream);
                    unset($open[$id]);
                }
            }
        }
        return $bodies;
    }
}
