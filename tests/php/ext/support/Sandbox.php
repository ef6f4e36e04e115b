<?php
/**
 * The Aflexi sandbox (tests/aflexi-sandbox) as the tests see it: a child process started with
 * proc_open on a free loopback port, and its /_sandbox controls.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

final class Sandbox
{
    /** The operator every test acts as. */
    public const OPERATOR = 'acme';
    /** Its auth key: distinctive, so that a test can check no message ever carries it. */
    public const AUTH_KEY = 'acme-KEY-0f8c2b5e-never-print';

    private static ?Sandbox $shared = null;

    /** @var resource */
    private $process;
    private string $url;
    private int $pid;

    /**
     * @param list<string> $extraArgs further command-line options, e.g. ['--latency-ms', '20']
     */
    public function __construct(array $extraArgs = [])
    {
        $command = array_merge(
            [self::binary(), '--listen', '127.0.0.1:0',
             '--operator', self::OPERATOR . ':' . self::AUTH_KEY,
             '--operator', 'other:other-key'],
            $extraArgs,
        );
        $stderr = tempnam(sys_get_temp_dir(), 'aflexi-sandbox-err-');
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'a']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . self::binary());
        }
        $this->process = $process;
        $this->pid = (int) proc_get_status($process)['pid'];
        self::rememberPid($this->pid);
        $line = self::readLine($pipes[1], 20.0);
        fclose($pipes[1]);
        if (!preg_match('~^listening on (http://\S+)$~', $line, $m)) {
            $this->stop();
            throw new \RuntimeException("the sandbox did not start: '$line' " . @file_get_contents($stderr));
        }
        $this->url = $m[1];
    }

    /** The sandbox of this PHPUnit run, started on first use and stopped at shutdown. */
    public static function shared(): self
    {
        if (self::$shared === null) {
            self::$shared = new self();
            $owner = getmypid();
            register_shutdown_function(static function () use ($owner): void {
                // A forked child (ForkTest) exits through here too: only the parent stops it.
                if (getmypid() === $owner) {
                    self::$shared?->stop();
                }
            });
        }
        return self::$shared;
    }

    /** The sandbox binary: $AFLEXI_SANDBOX_BIN, else the workspace's debug or release build. */
    public static function binary(): string
    {
        $fromEnv = getenv('AFLEXI_SANDBOX_BIN');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $root = dirname(__DIR__, 4);
        $target = getenv('CARGO_TARGET_DIR') ?: $root . '/target';
        foreach (['debug', 'release'] as $profile) {
            if (is_executable("$target/$profile/aflexi-sandbox")) {
                return "$target/$profile/aflexi-sandbox";
            }
        }
        throw new \RuntimeException('aflexi-sandbox not found: build it (cargo build -p aflexi-sandbox) or set AFLEXI_SANDBOX_BIN');
    }

    public function url(): string
    {
        return $this->url;
    }

    /** The core XML-RPC endpoint, as Aflexi\Client takes it. */
    public function coreUrl(): string
    {
        return $this->url . '/core/xmlrpc';
    }

    public function pid(): int
    {
        return $this->pid;
    }

    /** @return array<string, mixed> */
    public function state(): array
    {
        return $this->control('GET', '/_sandbox/state');
    }

    /** @return array<string, int> XML-RPC calls received, by method, and 'total' */
    public function calls(): array
    {
        return $this->control('GET', '/_sandbox/calls');
    }

    /** @param array<string, mixed> $settings latency_ms, fault_rate, fault_kinds, hang_ms, seed */
    public function configure(array $settings): void
    {
        $this->control('POST', '/_sandbox/config', $settings);
    }

    /** Back to no latency and no faults. */
    public function calm(): void
    {
        $this->configure(['latency_ms' => 0, 'fault_rate' => 0.0, 'hang_ms' => 30000,
            'fault_kinds' => ['http500', 'reset', 'timeout', 'malformed', 'fault']]);
    }

    /** @return array{first:int,last:int,count:int,package:int} */
    public function seedPublishers(int $count, string $prefix, string $package = 'default', string $status = 'ACTIVE'): array
    {
        return $this->control('POST', '/_sandbox/seed-publishers', [
            'operator' => self::OPERATOR, 'count' => $count, 'package' => $package,
            'prefix' => $prefix, 'status' => $status,
        ]);
    }

    /** The sandbox's record of a publisher link, by publisher id. */
    public function link(int $publisherId): ?array
    {
        foreach ($this->state()['links'] as $link) {
            if ($link['publisher'] === $publisherId) {
                return $link;
            }
        }
        return null;
    }

    /** The sandbox's record of a user, by id. */
    public function user(int $id): ?array
    {
        foreach ($this->state()['publishers'] as $user) {
            if ($user['id'] === $id) {
                return $user;
            }
        }
        return null;
    }

    /**
     * @param array<string, mixed>|null $body
     * @return array<string, mixed>
     */
    public function control(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body),
            'ignore_errors' => true,
            'timeout' => 30,
        ]]);
        $answer = @file_get_contents($this->url . $path, false, $context);
        if ($answer === false) {
            throw new \RuntimeException("sandbox control $method $path failed");
        }
        $status = (int) explode(' ', $http_response_header[0] ?? 'HTTP/1.1 0')[1];
        $decoded = json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
        if ($status !== 200) {
            throw new \RuntimeException("sandbox control $method $path: $status $answer");
        }
        return $decoded;
    }

    public function stop(): void
    {
        if (!is_resource($this->process)) {
            return;
        }
        proc_terminate($this->process, 15);
        $deadline = microtime(true) + 5;
        while (proc_get_status($this->process)['running'] && microtime(true) < $deadline) {
            usleep(20000);
        }
        if (proc_get_status($this->process)['running']) {
            proc_terminate($this->process, 9);
        }
        proc_close($this->process);
        self::forgetPid($this->pid);
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
     * Records a child's pid in $AFLEXI_TEST_TMP (set by scripts/test-php-ext.sh), whose trap
     * kills whatever is left there if PHPUnit itself dies.
     */
    public static function rememberPid(int $pid): void
    {
        $dir = getenv('AFLEXI_TEST_TMP');
        if (is_string($dir) && is_dir($dir)) {
            file_put_contents("$dir/child-$pid.pid", (string) $pid);
        }
    }

    public static function forgetPid(int $pid): void
    {
        $dir = getenv('AFLEXI_TEST_TMP');
        if (is_string($dir) && is_dir($dir)) {
            @unlink("$dir/child-$pid.pid");
        }
    }
}
