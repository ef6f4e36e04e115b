<?php
/**
 * The WHM stand-in (tests/whm-sandbox) as the PHP suites see it: a child process on a free
 * loopback port (ChildProcess) and its /_whm controls (seed, state, calls, reset-calls).
 */

declare(strict_types=1);

namespace AflexiTests\Support;

require_once __DIR__ . '/ChildProcess.php';

final class WhmProcess extends ChildProcess
{
    public const USER = 'root';
    /** Distinctive, so that a test can check no message, log entry or page ever carries it. */
    public const TOKEN = 'WHMTOKEN7c1e9d4a2b-never-print';

    public function __construct()
    {
        parent::__construct('WHM stand-in', [self::binary(), '--listen', '127.0.0.1:0', '--user', self::USER . ':' . self::TOKEN]);
    }

    /** $AFLEXI_WHM_BIN, else the workspace's release or debug build. */
    public static function binary(): string
    {
        return self::findBinary('AFLEXI_WHM_BIN', 'whm-sandbox');
    }

    /** @param array<string, mixed> $seed features, featurelists, disabled, packages (tests/whm-sandbox/README.md) */
    public function seed(array $seed): array
    {
        return $this->control('POST', '/_whm/seed', $seed);
    }

    /** @return array<string, mixed> features, featurelists, disabled, packages */
    public function state(): array
    {
        return $this->control('GET', '/_whm/state');
    }

    /** @return list<array{function: string, method: string, params: array<string, string>}> */
    public function calls(): array
    {
        return array_values($this->control('GET', '/_whm/calls'));
    }

    public function writes(): int
    {
        return count(array_filter($this->calls(), static fn (array $c): bool =>
            in_array($c['function'], ['update_featurelist', 'create_featurelist', 'editpkg'], true)));
    }

    public function resetCalls(): void
    {
        $this->control('POST', '/_whm/reset-calls');
    }
}
