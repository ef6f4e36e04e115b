<?php
/**
 * The extension under PHP-FPM, as WHMCS runs: php-fpm8.2 loads it in the master (MINIT),
 * forks 4 workers, and 1,000 FastCGI requests (sent with cgi-fcgi, 8 at a time) each make a
 * new Aflexi\Client and call the sandbox. Every request must succeed, none may hang, and all
 * 4 workers must have served: a runtime or connection built before the fork would hang the
 * workers' calls instead.
 *
 * Needs php-fpm8.2 and cgi-fcgi (libfcgi-bin), which scripts/install-deps.sh installs.
 *
 * @group fpm
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\SandboxProcess;

final class FpmTest extends ExtensionTestCase
{
    private const REQUESTS = 1000;
    private const WORKERS = 4;
    private const IN_FLIGHT = 8;
    /** A request still running after this many seconds counts as hung (and is killed). */
    private const REQUEST_LIMIT = 20;

    private string $dir;
    /** @var resource|null */
    private $fpm = null;
    /** @var resource php-fpm's stderr, where its log goes */
    private $fpmLog;
    /** What php-fpm logged so far. */
    private string $log = '';

    protected function setUp(): void
    {
        parent::setUp();
        $this->dir = sys_get_temp_dir() . '/aflexi-fpm-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700, true);
    }

    protected function tearDown(): void
    {
        if (is_resource($this->fpm)) {
            $pid = proc_get_status($this->fpm)['pid'];
            proc_terminate($this->fpm, SIGTERM);
            stream_set_blocking($this->fpmLog, true);
            $this->log .= stream_get_contents($this->fpmLog); // until php-fpm has exited
            fclose($this->fpmLog);
            proc_close($this->fpm);
            SandboxProcess::forgetPid($pid);
        }
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    public function testAThousandRequestsOverFourWorkersAllSucceedAndNoneHangs(): void
    {
        $fpmBinary = self::tool('AFLEXI_PHP_FPM', ['php-fpm8.2', '/usr/sbin/php-fpm8.2']);
        $cgiFcgi = self::tool('AFLEXI_CGI_FCGI', ['cgi-fcgi']);
        $publisherId = $this->sandbox->seedPublishers(1, self::unique('fpm'))['first'];
        $socket = $this->startFpm($fpmBinary);
        $script = $this->writeRequestScript();

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

        $ok = 0;
        $failures = [];
        $hangs = 0;
        $workers = [];
        $running = [];
        $sent = 0;
        $started = microtime(true);
        while ($sent < self::REQUESTS || $running !== []) {
            while ($sent < self::REQUESTS && count($running) < self::IN_FLIGHT) {
                $env['QUERY_STRING'] = "n=$sent";
                $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $this->dir, $env);
                self::assertIsResource($process, 'cannot run cgi-fcgi');
                stream_set_blocking($pipes[1], false);
                stream_set_blocking($pipes[2], false);
                $running[] = ['process' => $process, 'out' => $pipes[1], 'err' => $pipes[2], 'body' => ''];
                $sent++;
            }
            foreach ($running as $i => &$request) {
                $request['body'] .= (string) stream_get_contents($request['out']);
                stream_get_contents($request['err']);
                $status = proc_get_status($request['process']);
                if ($status['running']) {
                    continue;
                }
                $request['body'] .= (string) stream_get_contents($request['out']);
                fclose($request['out']);
                fclose($request['err']);
                proc_close($request['process']);
                $exit = $status['exitcode'];
                if ($status['signaled'] || $exit === 124 || $exit === 137) {
                    $hangs++;
                } elseif (preg_match('/^OK (\d+)$/m', $request['body'], $m)) {
                    $ok++;
                    $workers[$m[1]] = ($workers[$m[1]] ?? 0) + 1;
                } else {
                    $failures[] = "exit $exit: " . substr(trim($request['body']), 0, 300);
                }
                unset($running[$i]);
            }
            unset($request);
            $this->log .= (string) stream_get_contents($this->fpmLog); // keeps its pipe from filling
            // Blocks until a request writes or ends (its pipes then read as end of file).
            $read = array_merge(array_column($running, 'out'), array_column($running, 'err'));
            $write = $except = null;
            if ($read !== []) {
                @stream_select($read, $write, $except, 1);
            }
        }
        $elapsed = microtime(true) - $started;
        $log = $this->log . stream_get_contents($this->fpmLog);

        fwrite(STDERR, sprintf(
            "\n[fpm] %d requests, %d in flight, %d workers: %d ok, %d failed, %d hung in %.1f s (%.0f req/s); per worker %s\n",
            self::REQUESTS,
            self::IN_FLIGHT,
            self::WORKERS,
            $ok,
            count($failures),
            $hangs,
            $elapsed,
            self::REQUESTS / $elapsed,
            json_encode(array_values($workers)),
        ));
        self::assertSame([], array_slice($failures, 0, 5), 'failed requests');
        self::assertSame(0, $hangs, 'hung requests');
        self::assertSame(self::REQUESTS, $ok);
        self::assertCount(self::WORKERS, $workers, 'not every worker served');
        self::assertDoesNotMatchRegularExpression('/exited on signal|timed out|SIGSEGV|panicked/', $log, $log);
    }

    /** Starts php-fpm with the extension and a static pool of 4 workers; returns the socket. */
    private function startFpm(string $binary): string
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
            'request_terminate_timeout = ' . (self::REQUEST_LIMIT + 10) . 's',
            'catch_workers_output = yes',
            '',
        ]));
        $command = array_merge(
            [$binary, '-n', '-F', '-y', $this->dir . '/fpm.conf', '-d', 'extension=' . self::extensionPath(),
             '-d', 'display_errors=stderr', '-d', 'log_errors=On'],
            $runAsRoot ? ['-R'] : [],
        );
        // Its log goes to stderr: read until it is ready.
        $this->fpm = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->dir . '/fpm.out', 'a'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($this->fpm, 'cannot start php-fpm');
        SandboxProcess::rememberPid(proc_get_status($this->fpm)['pid']);
        $this->fpmLog = $pipes[2];
        $this->log = self::waitUntilFpmIsReady($this->fpmLog);
        stream_set_blocking($this->fpmLog, false);
        return $socket;
    }

    /** The PHP script each request runs: a new client, one API call, one rule call. */
    private function writeRequestScript(): string
    {
        $path = $this->dir . '/request.php';
        file_put_contents($path, <<<'PHP'
            <?php
            header('Content-Type: text/plain');
            try {
                $id = (int) $_SERVER['AFLEXI_PUBLISHER_ID'];
                $client = new Aflexi\Client($_SERVER['AFLEXI_SANDBOX_URL'], 'acme', $_SERVER['AFLEXI_AUTH_KEY'], ['operation_timeout' => 10]);
                $publisher = $client->getPublisher($id);
                $name = Aflexi\username_for_service('', 'a@b.c', 7);
                echo ($publisher['id'] === $id && $name === 'a_b.c_7') ? 'OK ' . getmypid() : 'WRONG';
            } catch (Throwable $e) {
                echo 'FAIL ', get_class($e), ': ', $e->getMessage();
            }
            PHP);
        return $path;
    }
}
