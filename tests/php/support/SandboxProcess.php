<?php
/**
 * The Aflexi sandbox (tests/aflexi-sandbox) as every PHP test suite and bench sees it
 * (tests/php/ext, tests/php/module, tests/php/addon): a child process started with proc_open
 * on a free loopback port and stopped at the end, and its /_sandbox controls (state, calls,
 * reset, config, seed-publishers, theme, operators).
 */

declare(strict_types=1);

namespace AflexiTests\Support;

final class SandboxProcess
{
    /** The operator the tests act as (the module's and addon's tests add their own as well). */
    public const OPERATOR = 'acme';
    /** Its auth key: distinctive, so that a test can check no message or log entry ever carries it. */
    public const AUTH_KEY = 'acme-KEY-0f8c2b5e-never-print';
    /** A second operator, whose publishers must never show up in the first one's lists. */
    public const OTHER_OPERATOR = 'viewer';
    private const OTHER_AUTH_KEY = 'viewer-key-2';

    private static ?self $shared = null;

    /** @var resource */
    private $process;
    private int $pid;
    private string $url;

    /**
     * @param list<string> $extraArgs further command-line options, e.g. ['--latency-ms', '20']
     */
    public function __construct(array $extraArgs = [])
    {
        $command = array_merge(
            [self::binary(), '--listen', '127.0.0.1:0',
             '--operator', self::OPERATOR . ':' . self::AUTH_KEY,
             '--operator', self::OTHER_OPERATOR . ':' . self::OTHER_AUTH_KEY],
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
        @unlink($stderr);
        $this->url = $m[1];
    }

    /** The sandbox of this process (PHPUnit run, bench), started on first use and stopped at shutdown. */
    public static function shared(): self
    {
        if (self::$shared === null) {
            self::$shared = new self();
            $owner = getmypid();
            register_shutdown_function(static function () use ($owner): void {
                // A forked child (ext's ForkTest) exits through here too: only the parent stops it.
                if (getmypid() === $owner) {
                    self::$shared?->stop();
                }
            });
        }
        return self::$shared;
    }

    /** The sandbox binary: $AFLEXI_SANDBOX_BIN, else the workspace's release or debug build. */
    public static function binary(): string
    {
        $fromEnv = getenv('AFLEXI_SANDBOX_BIN');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $target = getenv('CARGO_TARGET_DIR') ?: dirname(__DIR__, 3) . '/target';
        foreach (['release', 'debug'] as $profile) {
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

    /** host:port, as a WHMCS server record's hostname holds it. */
    public function hostPort(): string
    {
        return (string) parse_url($this->url, PHP_URL_HOST) . ':' . (string) parse_url($this->url, PHP_URL_PORT);
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

    public function totalCalls(): int
    {
        return (int) ($this->calls()['total'] ?? 0);
    }

    public function reset(): void
    {
        $this->control('POST', '/_sandbox/reset');
    }

    /** @param array<string, mixed> $settings latency_ms, fault_rate, fault_kinds, hang_ms, seed, hard_delete */
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
    public function seedPublishers(int $count, string $prefix, string $package = 'default', string $status = 'ACTIVE', string $operator = self::OPERATOR): array
    {
        return $this->control('POST', '/_sandbox/seed-publishers', [
            'operator' => $operator, 'count' => $count, 'package' => $package, 'prefix' => $prefix, 'status' => $status,
        ]);
    }

    public function theme(string $portalUrl, string $portalName = '', string $operator = self::OPERATOR): void
    {
        $this->control('POST', '/_sandbox/theme', ['operator' => $operator, 'portalUrl' => $portalUrl, 'portalName' => $portalName]);
    }

    /** Adds an operator account; returns its user id. */
    public function addOperator(string $username, string $authKey): int
    {
        return (int) $this->control('POST', '/_sandbox/operators', ['username' => $username, 'authKey' => $authKey])['id'];
    }

    /** The sandbox's record of a publisher link, by publisher id, or null. */
    public function link(int $publisherId): ?array
    {
        foreach ($this->state()['links'] ?? [] as $link) {
            if ((int) $link['publisher'] === $publisherId) {
                return $link;
            }
        }
        return null;
    }

    /** The sandbox's record of a (publisher) user, by id, or null. */
    public function user(int $id): ?array
    {
        foreach ($this->state()['publishers'] ?? [] as $user) {
            if ((int) $user['id'] === $id) {
                return $user;
            }
        }
        return null;
    }

    /** The sandbox's publisher user with that full username `<local>/<operatorId>` (case-insensitive), or null. */
    public function publisherNamed(string $fullUsername): ?array
    {
        foreach ($this->state()['publishers'] ?? [] as $user) {
            if (strtolower((string) $user['username']) === strtolower($fullUsername)) {
                return $user;
            }
        }
        return null;
    }

    /** @return list<array<string, mixed>> the links of one operator */
    public function linksOf(int $operatorId): array
    {
        return array_values(array_filter($this->state()['links'] ?? [], static fn (array $l): bool => (int) $l['operator'] === $operatorId));
    }

    /** The package record with that id, or null. */
    public function package(int $id): ?array
    {
        foreach ($this->state()['packages'] ?? [] as $package) {
            if ((int) $package['id'] === $id) {
                return $package;
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
            'timeout' => 60,
        ]]);
        $answer = @file_get_contents($this->url . $path, false, $context);
        if ($answer === false) {
            throw new \RuntimeException("sandbox control $method $path failed");
        }
        $status = (int) (explode(' ', $http_response_header[0] ?? 'HTTP/1.1 0')[1] ?? 0);
        if ($status !== 200) {
            throw new \RuntimeException("sandbox control $method $path: $status $answer");
        }
        return (array) json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
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
     * Records a child's pid as $AFLEXI_TEST_TMP/child-<pid>.pid (the directory is set by
     * scripts/test-php-ext.sh, tests/php/module/run.sh and tests/php/addon/run.sh), whose
     * cleanup trap kills whatever is left there if PHPUnit itself dies.
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
