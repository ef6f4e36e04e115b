<?php
/**
 * The Aflexi sandbox (tests/aflexi-sandbox) as the module's tests and bench use it: a child
 * process on a free loopback port, started with proc_open and stopped at the end, and its
 * /_sandbox controls (state, calls, reset, config, seed-publishers, theme).
 */

declare(strict_types=1);

namespace AflexiModuleTests\Support;

final class SandboxProcess
{
    public const OPERATOR = 'acme';
    /** Distinctive, so that a test can look for it in every log entry. */
    public const AUTH_KEY = 'acme-AUTHKEY-5f3e9c1d-must-never-be-logged';
    /** A second operator, whose publishers must never show up in the first one's lists. */
    public const OTHER_OPERATOR = 'viewer';

    private static ?self $shared = null;

    /** @var resource */
    private $process;
    private int $pid;
    private string $url;

    public function __construct()
    {
        $command = [self::binary(), '--listen', '127.0.0.1:0',
            '--operator', self::OPERATOR . ':' . self::AUTH_KEY,
            '--operator', self::OTHER_OPERATOR . ':viewer-key-2'];
        $stderr = tempnam(sys_get_temp_dir(), 'aflexi-sandbox-err-');
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'a']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . self::binary());
        }
        $this->process = $process;
        $this->pid = (int) proc_get_status($process)['pid'];
        self::notePid($this->pid, true);
        $line = self::readLine($pipes[1], 20.0);
        fclose($pipes[1]);
        if (!preg_match('~^listening on (http://\S+)$~', $line, $m)) {
            $this->stop();
            throw new \RuntimeException("the sandbox did not start: '$line' " . @file_get_contents($stderr));
        }
        @unlink($stderr);
        $this->url = $m[1];
    }

    /** The sandbox of this process, started on first use and stopped at shutdown. */
    public static function shared(): self
    {
        if (self::$shared === null) {
            self::$shared = new self();
            $owner = getmypid();
            register_shutdown_function(static function () use ($owner): void {
                if (getmypid() === $owner) {
                    self::$shared?->stop();
                }
            });
        }
        return self::$shared;
    }

    /** $AFLEXI_SANDBOX_BIN, else the workspace's release or debug build. */
    public static function binary(): string
    {
        $fromEnv = getenv('AFLEXI_SANDBOX_BIN');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $target = getenv('CARGO_TARGET_DIR') ?: dirname(__DIR__, 4) . '/target';
        foreach (['release', 'debug'] as $profile) {
            if (is_executable("$target/$profile/aflexi-sandbox")) {
                return "$target/$profile/aflexi-sandbox";
            }
        }
        throw new \RuntimeException('aflexi-sandbox not found: cargo build -p aflexi-sandbox, or set AFLEXI_SANDBOX_BIN');
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

    public function coreUrl(): string
    {
        return $this->url . '/core/xmlrpc';
    }

    /** @return array<string, mixed> */
    public function state(): array
    {
        return $this->control('GET', '/_sandbox/state');
    }

    /** @return array<string, int> calls received by method, and 'total' */
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

    /** No latency, no faults. */
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

    /** The sandbox's link of a publisher (by publisher id), or null. */
    public function link(int $publisherId): ?array
    {
        foreach ($this->state()['links'] ?? [] as $link) {
            if ((int) $link['publisher'] === $publisherId) {
                return $link;
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
        self::notePid($this->pid, false);
    }

    /** Records (or forgets) a child pid in $AFLEXI_TEST_TMP, whose cleanup trap (run.sh) kills leftovers. */
    private static function notePid(int $pid, bool $running): void
    {
        $dir = getenv('AFLEXI_TEST_TMP');
        if (is_string($dir) && is_dir($dir)) {
            $running ? file_put_contents("$dir/child-$pid.pid", (string) $pid) : @unlink("$dir/child-$pid.pid");
        }
    }

    /** One line from a pipe, waiting at most $seconds. */
    private static function readLine($pipe, float $seconds): string
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
}
