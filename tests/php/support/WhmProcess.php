<?php
/**
 * The WHM stand-in (tests/whm-sandbox) as the PHP suites see it: a child process on a free
 * loopback port, started like the Aflexi sandbox (SandboxProcess: same pid bookkeeping, same
 * first line), and its /_whm controls (seed, state, calls, reset-calls).
 */

declare(strict_types=1);

namespace AflexiTests\Support;

final class WhmProcess
{
    public const USER = 'root';
    /** Distinctive, so that a test can check no message, log entry or page ever carries it. */
    public const TOKEN = 'WHMTOKEN7c1e9d4a2b-never-print';

    /** @var resource */
    private $process;
    private int $pid;
    private string $url;

    public function __construct()
    {
        $stderr = tempnam(sys_get_temp_dir(), 'whm-sandbox-err-');
        $command = [self::binary(), '--listen', '127.0.0.1:0', '--user', self::USER . ':' . self::TOKEN];
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'a']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start ' . self::binary());
        }
        $this->process = $process;
        $this->pid = (int) proc_get_status($process)['pid'];
        SandboxProcess::rememberPid($this->pid);
        $line = SandboxProcess::readLine($pipes[1], 20.0);
        fclose($pipes[1]);
        if (!preg_match('~^listening on (http://\S+)$~', $line, $m)) {
            $this->stop();
            throw new \RuntimeException("the WHM stand-in did not start: '$line' " . @file_get_contents($stderr));
        }
        @unlink($stderr);
        $this->url = $m[1];
    }

    /** $AFLEXI_WHM_BIN, else the workspace's release or debug build. */
    public static function binary(): string
    {
        $fromEnv = getenv('AFLEXI_WHM_BIN');
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $target = getenv('CARGO_TARGET_DIR') ?: dirname(__DIR__, 3) . '/target';
        foreach (['release', 'debug'] as $profile) {
            if (is_executable("$target/$profile/whm-sandbox")) {
                return "$target/$profile/whm-sandbox";
            }
        }
        throw new \RuntimeException('whm-sandbox not found: build it (cargo build -p whm-sandbox) or set AFLEXI_WHM_BIN');
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

    /** @return array<mixed> */
    private function control(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method, 'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body), 'ignore_errors' => true, 'timeout' => 30,
        ]]);
        $answer = @file_get_contents($this->url . $path, false, $context);
        $status = (int) (explode(' ', $http_response_header[0] ?? 'HTTP/1.1 0')[1] ?? 0);
        if ($answer === false || $status !== 200) {
            throw new \RuntimeException("WHM stand-in control $method $path failed: $status " . (string) $answer);
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
        SandboxProcess::forgetPid($this->pid);
    }

    public function __destruct()
    {
        $this->stop();
    }
}
