<?php
/**
 * A stand-in server run as a child process of a PHP test suite or bench (the Aflexi sandbox,
 * the WHM stand-in): started with proc_open on a free loopback port, its URL read from its first
 * line ("listening on http://HOST:PORT"), its pid recorded for the runners' cleanup trap, its
 * JSON control endpoints called over HTTP, and stopped (TERM, then KILL) at the end. Its stdout
 * stays open, so that its end of file tells when it has exited.
 */

declare(strict_types=1);

namespace AflexiTests\Support;

abstract class ChildProcess
{
    /** @var resource */
    private $process;
    /** @var resource the child's stdout: it prints nothing after its first line, so EOF = exited */
    private $stdout;
    private int $pid;
    private string $url;
    /** The PHP process that started it: a forked child (the ext's ForkTest) must never stop it. */
    private int $owner;

    /** @param list<string> $command */
    protected function __construct(private readonly string $name, array $command)
    {
        $stderr = tempnam(sys_get_temp_dir(), 'aflexi-child-err-');
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'a']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException("cannot start {$command[0]}");
        }
        $this->process = $process;
        $this->owner = getmypid();
        $this->pid = (int) proc_get_status($process)['pid'];
        self::rememberPid($this->pid);
        $this->stdout = $pipes[1];
        $line = self::readLine($pipes[1], 20.0);
        if (!preg_match('~^listening on (http://\S+)$~', $line, $m)) {
            $this->stop();
            throw new \RuntimeException("the $name did not start: '$line' " . @file_get_contents($stderr));
        }
        @unlink($stderr);
        $this->url = $m[1];
    }

    /** $<envVar>, else the workspace's release or debug build of the binary. */
    protected static function findBinary(string $envVar, string $binary): string
    {
        $fromEnv = getenv($envVar);
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $target = getenv('CARGO_TARGET_DIR') ?: dirname(__DIR__, 3) . '/target';
        foreach (['release', 'debug'] as $profile) {
            if (is_executable("$target/$profile/$binary")) {
                return "$target/$profile/$binary";
            }
        }
        throw new \RuntimeException("$binary not found: build it (cargo build -p $binary) or set $envVar");
    }

    public function url(): string
    {
        return $this->url;
    }

    /** host:port, as a WHMCS server record's hostname holds it. */
    public function hostPort(): string
    {
        return (string) parse_url($this->url, PHP_URL_HOST) . ':' . (string) parse_url($this->url, PHP_URL_PORT);
    }

    public function pid(): int
    {
        return $this->pid;
    }

    /**
     * Calls a control endpoint with a JSON body; its JSON answer, or an exception when the
     * answer is not 200.
     *
     * @param array<string, mixed>|null $body
     * @return array<mixed>
     */
    public function control(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
            'timeout' => 60,
        ]]);
        $answer = @file_get_contents($this->url . $path, false, $context);
        if ($answer === false) {
            throw new \RuntimeException("{$this->name} control $method $path failed");
        }
        $status = (int) (explode(' ', $http_response_header[0] ?? 'HTTP/1.1 0')[1] ?? 0);
        if ($status !== 200) {
            throw new \RuntimeException("{$this->name} control $method $path: $status $answer");
        }
        return (array) json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
    }

    public function stop(): void
    {
        if (!is_resource($this->process) || getmypid() !== $this->owner) {
            return;
        }
        proc_terminate($this->process, 15);
        if (!self::awaitEof($this->stdout, 5.0)) {
            proc_terminate($this->process, 9);
        }
        fclose($this->stdout);
        proc_close($this->process); // reaps it (a killed child is gone at once)
        self::forgetPid($this->pid);
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** Blocks until a pipe's writer has closed it (the child exited), at most $seconds. */
    private static function awaitEof($pipe, float $seconds): bool
    {
        $deadline = microtime(true) + $seconds;
        stream_set_blocking($pipe, false);
        while (($left = $deadline - microtime(true)) > 0) {
            $read = [$pipe];
            $write = $except = null;
            if (@stream_select($read, $write, $except, (int) $left, (int) (fmod($left, 1.0) * 1e6)) === false) {
                return false;
            }
            if (fread($pipe, 4096) === '' && feof($pipe)) {
                return true;
            }
        }
        return false;
    }

    /** Reads one line from a pipe, giving up after $seconds. */
    public static function readLine($pipe, float $seconds): string
    {
        $line = '';
        $deadline = microtime(true) + $seconds;
        stream_set_blocking($pipe, false);
        while (!str_contains($line, "\n") && microtime(true) < $deadline) {
            $read = [$pipe];
            $write = $except = null;
            if (@stream_select($read, $write, $except, 0, 100000) > 0) {
                $chunk = fread($pipe, 4096);
                if ($chunk === false || ($chunk === '' && feof($pipe))) {
                    break;
                }
                $line .= $chunk;
            }
        }
        return trim(strtok($line, "\n") ?: '');
    }

    /**
     * Records a child's pid as $AFLEXI_TEST_TMP/child-<pid>.pid (the directory is set by
     * scripts/php-suite.sh's php_suite_children), whose cleanup trap kills whatever is left
     * there if PHPUnit itself dies.
     */
    public static function rememberPid(int $pid): void
    {
        $dir = getenv('AFLEXI_TEST_TMP');
        if (is_string($dir) && is_dir($dir)) {
            file_put_contents("$dir/child-$pid.pid", (string) $pid);
        }
    }

    /** Forgets a pid recorded by rememberPid() (the child was stopped). */
    public static function forgetPid(int $pid): void
    {
        $dir = getenv('AFLEXI_TEST_TMP');
        if (is_string($dir) && is_dir($dir)) {
            @unlink("$dir/child-$pid.pid");
        }
    }
}
