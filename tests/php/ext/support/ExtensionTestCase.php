<?php
/**
 * What every test of the extension shares: the sandbox, a client of it, unique names.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\Client;
use AflexiTests\Support\SandboxProcess;
use PHPUnit\Framework\TestCase;

abstract class ExtensionTestCase extends TestCase
{
    protected SandboxProcess $sandbox;

    protected function setUp(): void
    {
        $this->sandbox = SandboxProcess::shared();
    }

    /** A client of the shared sandbox as the operator 'acme'. */
    protected function client(array $options = []): Client
    {
        return new Client($this->sandbox->coreUrl(), SandboxProcess::OPERATOR, SandboxProcess::AUTH_KEY, $options);
    }

    /** A name no other test uses, so tests need not reset the shared sandbox. */
    protected static function unique(string $prefix): string
    {
        static $n = 0;
        $n++;
        return sprintf('%s%d_%d', $prefix, getmypid(), $n);
    }

    /** A desired publisher entry for sync(). */
    protected static function desired(string $username, string $package = 'Gold', string $status = 'Active'): array
    {
        return [
            'key' => $username, 'username' => $username, 'email' => "$username@example.com",
            'name' => ucfirst($username), 'package' => $package, 'status' => $status,
        ];
    }

    /** The path of the loaded extension .so, read from this process's memory map. */
    protected static function extensionPath(): string
    {
        $fromEnv = getenv('AFLEXI_EXT_SO');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        foreach (file('/proc/self/maps') ?: [] as $line) {
            if (preg_match('~\s(/\S*(?:libaflexi|/aflexi)\.so)$~', trim($line), $m)) {
                return $m[1];
            }
        }
        self::fail('cannot find the loaded aflexi .so in /proc/self/maps; set AFLEXI_EXT_SO');
    }

    /** A program named by $envName, or the first of $candidates found (a path, or a name on the PATH). */
    protected static function tool(string $envName, array $candidates): string
    {
        $fromEnv = getenv($envName);
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        foreach ($candidates as $candidate) {
            if (str_contains($candidate, '/')) {
                if (is_executable($candidate)) {
                    return $candidate;
                }
                continue;
            }
            $found = trim((string) shell_exec('command -v ' . escapeshellarg($candidate) . ' 2>/dev/null'));
            if ($found !== '') {
                return $found;
            }
        }
        self::fail("$candidates[0] not found: run scripts/install-deps.sh (or set $envName)");
    }

    /**
     * Reads php-fpm's log from its stderr pipe (`error_log = /proc/self/fd/2`) until it is ready
     * for connections (or it ends, or 15 s pass); returns what it read.
     *
     * @param resource $stderr
     */
    protected static function waitUntilFpmIsReady($stderr): string
    {
        $log = '';
        $deadline = microtime(true) + 15;
        while (!str_contains($log, 'ready to handle connections') && microtime(true) < $deadline) {
            $read = [$stderr];
            $write = $except = null;
            if (stream_select($read, $write, $except, 1) === 1) {
                $line = fgets($stderr);
                if ($line === false) {
                    break;   // php-fpm exited
                }
                $log .= $line;
            }
        }
        self::assertStringContainsString('ready to handle connections', $log, "php-fpm did not start: $log");
        return $log;
    }
}
