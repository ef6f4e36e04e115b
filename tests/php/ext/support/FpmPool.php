<?php
/**
 * A php-fpm pool with the extension for the PHP-FPM tests (FpmTest, FpmRecyclingTest): a
 * static pool in a private folder, its log read from a pipe (so starting waits for its
 * "ready" line, never for time), and FastCGI requests sent with cgi-fcgi, several in flight.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\SandboxProcess;

trait FpmPool
{
    private string $fpmDir;
    /** @var resource|null */
    private $fpm = null;
    /** @var resource|null php-fpm's stderr, where its log goes */
    private $fpmLog = null;
    /** What php-fpm logged so far. */
    private string $log = '';

    private function makeFpmDir(string $name): void
    {
        $this->fpmDir = sys_get_temp_dir() . "/aflexi-$name-" . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->fpmDir, 0700, true);
    }

    /** Stops php-fpm (its log read to the end) and removes the folder. */
    private function stopFpm(): void
    {
        if (is_resource($this->fpm)) {
            $pid = proc_get_status($this->fpm)['pid'];
            proc_terminate($this->fpm, SIGTERM); // fast shutdown: the master ends its workers and exits
            stream_set_blocking($this->fpmLog, true);
            $this->log .= stream_get_contents($this->fpmLog); // until php-fpm has exited
            fclose($this->fpmLog);
            proc_close($this->fpm);
            SandboxProcess::forgetPid($pid);
        }
        foreach (glob($this->fpmDir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->fpmDir);
    }

    /**
     * Starts php-fpm with the extension and a static pool of `$workers`, each replaced after
     * `$maxRequests` requests when given; returns the socket once the master is ready.
     */
    private function startFpm(string $binary, int $workers, int $requestLimit, ?int $maxRequests = null): string
    {
        $socket = $this->fpmDir . '/fpm.sock';
        $runAsRoot = function_exists('posix_getuid') && posix_getuid() === 0;
        file_put_contents($this->fpmDir . '/fpm.conf', implode("\n", array_merge([
            '[global]',
            'pid = ' . $this->fpmDir . '/fpm.pid',
            'error_log = /proc/self/fd/2',
            'daemonize = no',
            'log_level = notice',
            '[aflexi]',
            'listen = ' . $socket,
            'pm = static',
            'pm.max_children = ' . $workers,
        ], $maxRequests !== null ? ['pm.max_requests = ' . $maxRequests] : [], [
            'request_terminate_timeout = ' . ($requestLimit + 10) . 's',
            'catch_workers_output = yes',
            '',
        ])));
        $command = array_merge(
            [$binary, '-n', '-F', '-y', $this->fpmDir . '/fpm.conf', '-d', 'extension=' . self::extensionPath(),
             '-d', 'display_errors=stderr', '-d', 'log_errors=On'],
            $runAsRoot ? ['-R'] : [],
        );
        $this->fpm = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $this->fpmDir . '/fpm.out', 'a'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($this->fpm, 'cannot start php-fpm');
        SandboxProcess::rememberPid(proc_get_status($this->fpm)['pid']);
        $this->fpmLog = $pipes[2];
        $this->log = self::waitUntilFpmIsReady($this->fpmLog);
        stream_set_blocking($this->fpmLog, false);
        return $socket;
    }

    /** Everything php-fpm logged so far (its pipe is drained, so a full pipe never stops it). */
    private function fpmLogSoFar(): string
    {
        $this->log .= (string) stream_get_contents($this->fpmLog);
        return $this->log;
    }

    /** Writes the PHP script each request runs; returns its path. */
    private function writeRequestScript(string $php): string
    {
        $path = $this->fpmDir . '/request.php';
        file_put_contents($path, $php);
        return $path;
    }

    /**
     * Sends `$requests` FastCGI requests through cgi-fcgi, `$inFlight` at a time, each killed
     * after `$requestLimit` seconds, and calls `$done(string $body, bool $hung, int $exit)` as
     * each ends. The request script gets the sandbox's URL and key and `$publisherId`.
     */
    private function sendRequests(string $cgiFcgi, string $socket, string $script, SandboxProcess $sandbox, int $publisherId,
        int $requests, int $inFlight, int $requestLimit, callable $done): void
    {
        $env = [
            'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
            'SCRIPT_FILENAME' => $script,
            'SCRIPT_NAME' => '/request.php',
            'REQUEST_METHOD' => 'GET',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'AFLEXI_SANDBOX_URL' => $sandbox->coreUrl(),
            'AFLEXI_AUTH_KEY' => SandboxProcess::AUTH_KEY,
            'AFLEXI_PUBLISHER_ID' => (string) $publisherId,
        ];
        $command = ['timeout', '-s', 'KILL', (string) $requestLimit, $cgiFcgi, '-bind', '-connect', $socket];
        $running = [];
        $sent = 0;
        while ($sent < $requests || $running !== []) {
            $this->fpmLogSoFar();
            while ($sent < $requests && count($running) < $inFlight) {
                $env['QUERY_STRING'] = "n=$sent";
                $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, $this->fpmDir, $env);
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
                $exit = $status['exitcode'];
                $done($request['body'], $status['signaled'] || $exit === 124 || $exit === 137, $exit);
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
    }
}
