<?php
/**
 * The `aflexi-wire` binary (tests/aflexi-sandbox/src/bin/aflexi-wire.rs) as the PHP drills see
 * it: a loopback server in front of a sandbox that answers each call with the sandbox's real
 * answer, mutated (fuzz), trickled (slow-loris) or padded near a size limit, as its mode says.
 */

declare(strict_types=1);

namespace AflexiTests\Support;

require_once __DIR__ . '/ChildProcess.php';

final class WireProcess extends ChildProcess
{
    public function __construct(SandboxProcess $upstream)
    {
        parent::__construct('wire server', [self::binary(), '--upstream', $upstream->hostPort()]);
    }

    /** $AFLEXI_WIRE_BIN, else the aflexi-wire next to the sandbox binary in use. */
    public static function binary(): string
    {
        $fromEnv = getenv('AFLEXI_WIRE_BIN');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $beside = dirname(SandboxProcess::binary()) . '/aflexi-wire';
        return is_executable($beside) ? $beside : self::findBinary('AFLEXI_WIRE_BIN', 'aflexi-wire');
    }

    /** The core XML-RPC endpoint through this server, as Aflexi\Client takes it. */
    public function coreUrl(): string
    {
        return $this->url() . '/core/xmlrpc';
    }

    /** Sets how answers are changed: ['mode' => 'pass'|'fuzz'|'trickle'|'pad', ...] (see the binary). */
    public function mode(array $mode): void
    {
        $this->control('POST', '/_wire/mode', $mode);
    }

    /** Calls answered so far. */
    public function answered(): int
    {
        return (int) $this->control('GET', '/_wire/stats')['answered'];
    }
}
