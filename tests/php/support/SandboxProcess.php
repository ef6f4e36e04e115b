<?php
/**
 * The Aflexi sandbox (tests/aflexi-sandbox) as every PHP test suite and bench sees it
 * (tests/php/ext, tests/php/module, tests/php/addon): a child process started with proc_open
 * on a free loopback port and stopped at the end, and its /_sandbox controls (state, calls,
 * reset, config, seed-publishers, theme, operators).
 */

declare(strict_types=1);

namespace AflexiTests\Support;

require_once __DIR__ . '/ChildProcess.php';

final class SandboxProcess extends ChildProcess
{
    /** The operator the tests act as (the module's and addon's tests add their own as well). */
    public const OPERATOR = 'acme';
    /** Its auth key: distinctive, so that a test can check no message or log entry ever carries it. */
    public const AUTH_KEY = 'acme-KEY-0f8c2b5e-never-print';
    /** A second operator, whose publishers must never show up in the first one's lists. */
    public const OTHER_OPERATOR = 'viewer';
    private const OTHER_AUTH_KEY = 'viewer-key-2';

    private static ?self $shared = null;

    /**
     * @param list<string> $extraArgs further command-line options, e.g. ['--latency-ms', '20']
     */
    public function __construct(array $extraArgs = [])
    {
        parent::__construct('sandbox', array_merge(
            [self::binary(), '--listen', '127.0.0.1:0',
             '--operator', self::OPERATOR . ':' . self::AUTH_KEY,
             '--operator', self::OTHER_OPERATOR . ':' . self::OTHER_AUTH_KEY],
            $extraArgs,
        ));
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
        return self::findBinary('AFLEXI_SANDBOX_BIN', 'aflexi-sandbox');
    }

    /** The core XML-RPC endpoint, as Aflexi\Client takes it. */
    public function coreUrl(): string
    {
        return $this->url() . '/core/xmlrpc';
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

    /**
     * Waits until every XML-RPC call the sandbox received (at least $received since it started)
     * has been answered: for calls a test left running in a latency or a hang.
     */
    public function idle(int $received = 0): void
    {
        $this->control('GET', "/_sandbox/idle?received=$received");
    }

    /**
     * How many calls of $method ('writes': of every mutating method) the sandbox has answered
     * since it started; with $atLeast, first waits until it has answered that many (the state
     * then holds their effect): for calls another process makes.
     */
    public function answered(string $method, int $atLeast = 0): int
    {
        return (int) $this->control('GET', '/_sandbox/answered?' . http_build_query(['method' => $method, 'at_least' => $atLeast]))['answered'];
    }

    /**
     * How many XML-RPC calls the sandbox has received since it started, answered or not; with
     * $atLeast, first waits until it has received that many: for a call a test holds in a
     * latency or a hang.
     */
    public function received(int $atLeast = 0): int
    {
        return (int) $this->control('GET', "/_sandbox/received?at_least=$atLeast")['received'];
    }

    /** The calls held in their latency or hang now go on (a hang then drops its connection). */
    public function release(): void
    {
        $this->control('POST', '/_sandbox/release');
    }

    /** Back to no latency and no faults; the calls still held in a latency or hang go on. */
    public function calm(): void
    {
        $this->configure(['latency_ms' => 0, 'fault_rate' => 0.0, 'hang_ms' => 30000,
            'fault_kinds' => ['http500', 'reset', 'timeout', 'malformed', 'fault']]);
        $this->release();
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
}
