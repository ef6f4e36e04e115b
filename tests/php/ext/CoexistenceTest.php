<?php
/**
 * The extension beside what WHMCS hosts load with it: OPcache with its JIT, Xdebug, and
 * PHP-FPM with OPcache whose workers are recycled (forked anew by the master) between requests.
 * Each case runs a fresh PHP (`-n`: only the extensions named here) on a script file, so that
 * OPcache compiles and JITs it; the script calls the extension's functions and the sandbox,
 * catches one of its exceptions, forks workers after that use, and prints what it saw as JSON.
 *
 * Needs the host PHP's opcache and xdebug (php8.2-xdebug from scripts/install-deps.sh, left
 * disabled in the ini; in the PHP 8.4 root of scripts/php84.sh, php8.4-xdebug), php-fpm and
 * cgi-fcgi, and pcntl in the CLI. A missing one fails the test with its name: nothing here
 * is skipped.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\SandboxProcess;

final class CoexistenceTest extends ExtensionTestCase
{
    /** OPcache in the CLI with the tracing JIT, hot at once so that the script's code is JIT-compiled. */
    private const OPCACHE_JIT = [
        'zend_extension=opcache', 'opcache.enable=1', 'opcache.enable_cli=1', 'opcache.jit=tracing',
        'opcache.jit_buffer_size=32M', 'opcache.jit_hot_loop=1', 'opcache.jit_hot_func=1',
        'opcache.jit_hot_return=1', 'opcache.jit_hot_side_exit=1',
        // The script is written just before it runs: cache it anyway.
        'opcache.file_update_protection=0',
    ];

    private string $dir;
    private ?int $publisherId = null;

    protected function setUp(): void
    {
        parent::setUp();
        $this->dir = sys_get_temp_dir() . '/aflexi-coexist-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir, 0700, true);
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            @unlink($file);
        }
        @rmdir($this->dir);
    }

    public function testWithOpcacheAndItsJitCallsWorkAndForkedWorkersToo(): void
    {
        $seen = $this->runCli(self::OPCACHE_JIT);
        self::assertTrue($seen['opcache'], 'OPcache is not enabled in the child');
        self::assertTrue($seen['jit'], 'the JIT is not on in the child');
        self::assertGreaterThan(0, $seen['jit_used'], 'the JIT compiled nothing');
        self::assertTrue($seen['cached'], 'the script is not in OPcache');
        $this->assertCallsWorked($seen);
    }

    public function testWithXdebugAndOpcacheLoadedCallsWork(): void
    {
        $xdebug = ini_get('extension_dir') . '/xdebug.so';
        self::assertFileExists($xdebug, 'xdebug is not installed for this PHP: run scripts/install-deps.sh');
        // Xdebug's documented order: after OPcache. develop and coverage hook every call and
        // every exception; debug would try to reach an IDE.
        $seen = $this->runCli(array_merge(
            ['zend_extension=opcache', 'opcache.enable_cli=1', 'opcache.file_update_protection=0', "zend_extension=$xdebug"],
            ['xdebug.mode=develop,coverage', 'xdebug.start_with_request=no'],
        ));
        self::assertTrue($seen['xdebug'], 'xdebug is not loaded in the child');
        self::assertTrue($seen['opcache']);
        $this->assertCallsWorked($seen);
    }

    public function testUnderPhpFpmWithOpcacheRecycledWorkersServeEveryRequest(): void
    {
        $fpm = self::tool('AFLEXI_PHP_FPM', [sprintf('/usr/sbin/php-fpm%d.%d', PHP_MAJOR_VERSION, PHP_MINOR_VERSION)]);
        $cgiFcgi = self::tool('AFLEXI_CGI_FCGI', ['/usr/bin/cgi-fcgi']);
        $script = $this->writeScript(false);
        $socket = $this->dir . '/fpm.sock';
        // 2 workers, each replaced after 3 requests: the master forks new ones while the
        // earlier ones have used the extension, and the new ones run the cached (JIT) script.
        file_put_contents($this->dir . '/fpm.conf', implode("\n", [
            '[global]', 'daemonize = no', 'log_level = notice', 'error_log = /proc/self/fd/2',
            '[coexist]', "listen = $socket", 'pm = static', 'pm.max_children = 2', 'pm.max_requests = 3',
            'catch_workers_output = yes', 'clear_env = no', '',
        ]));
        $command = [$fpm, '-n', '-F', '-y', $this->dir . '/fpm.conf', '-d', 'extension=' . self::extensionPath()];
        foreach (self::OPCACHE_JIT as $setting) {
            array_push($command, '-d', $setting);
        }
        if (function_exists('posix_getuid') && posix_getuid() === 0) {
            $command[] = '-R';
        }
        // Its log goes to stderr: read until it is ready.
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'a'], 2 => ['pipe', 'w']],
            $pipes, $this->dir, $this->scriptEnv());
        self::assertIsResource($process, 'cannot start php-fpm');
        $pid = proc_get_status($process)['pid'];
        SandboxProcess::rememberPid($pid);
        $log = '';
        try {
            $log = self::waitUntilFpmIsReady($pipes[2]);
            $pids = [];
            $hits = 0;
            for ($i = 0; $i < 12; $i++) {
                $seen = $this->fcgiRequest($cgiFcgi, $socket, $script);
                self::assertTrue($seen['opcache'] && $seen['jit'], 'OPcache/JIT not on in the worker: ' . json_encode($seen));
                $this->assertCallsWorked($seen);
                $pids[$seen['pid']] = true;
                $hits = max($hits, $seen['hits']);
            }
            self::assertGreaterThanOrEqual(4, count($pids), 'workers were not recycled: ' . implode(',', array_keys($pids)));
            self::assertGreaterThan(0, $hits, 'no request was served from OPcache');
        } finally {
            proc_terminate($process, SIGTERM);
            $log .= stream_get_contents($pipes[2]);   // until php-fpm has exited
            proc_close($process);
            SandboxProcess::forgetPid($pid);
        }
        self::assertDoesNotMatchRegularExpression('/exited on signal|SIGSEGV|panicked|Warning|Fatal/', $log, $log);
    }

    /** What every case checks in the child's report. */
    private function assertCallsWorked(array $seen): void
    {
        self::assertSame('a_b.c_7', $seen['username'] ?? null, json_encode($seen));
        self::assertTrue($seen['publisher'], 'the API call through the client failed: ' . json_encode($seen));
        self::assertSame('Aflexi\NotFoundException', $seen['exception']);
        if (array_key_exists('children', $seen)) {
            self::assertSame([0, 0, 0], $seen['children'], 'a worker forked after the calls failed');
        }
    }

    /** Runs the script in `php -n` with the extension and SETTINGS; returns its report. */
    private function runCli(array $settings): array
    {
        $command = [PHP_BINARY, '-n', '-d', 'extension=' . self::extensionPath()];
        foreach ($settings as $setting) {
            array_push($command, '-d', $setting);
        }
        $command[] = $this->writeScript(true);
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $this->dir, $this->scriptEnv());
        self::assertIsResource($process);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $exit = proc_close($process);
        self::assertSame(0, $exit, "the child failed ($exit): $out $err");
        self::assertSame('', $err, 'the child warned');
        return $this->report($out);
    }

    private function fcgiRequest(string $cgiFcgi, string $socket, string $script): array
    {
        $env = $this->scriptEnv() + ['SCRIPT_FILENAME' => $script, 'SCRIPT_NAME' => '/coexist.php',
            'REQUEST_METHOD' => 'GET', 'SERVER_PROTOCOL' => 'HTTP/1.1', 'QUERY_STRING' => ''];
        $process = proc_open(['timeout', '-s', 'KILL', '20', $cgiFcgi, '-bind', '-connect', $socket],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $this->dir, $env);
        self::assertIsResource($process);
        $out = (string) stream_get_contents($pipes[1]);
        stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($process), "the request failed: $out");
        return $this->report(substr($out, (int) strpos($out, "\r\n\r\n")));
    }

    private function report(string $out): array
    {
        $seen = json_decode(trim($out), true);
        self::assertIsArray($seen, "no report from the child: $out");
        return $seen;
    }

    private function scriptEnv(): array
    {
        $this->publisherId ??= $this->sandbox->seedPublishers(1, self::unique('coexist'))['first'];
        return [
            'PATH' => getenv('PATH') ?: '/usr/bin:/bin',
            'AFLEXI_SANDBOX_URL' => $this->sandbox->coreUrl(),
            'AFLEXI_AUTH_KEY' => SandboxProcess::AUTH_KEY,
            'AFLEXI_PUBLISHER_ID' => (string) $this->publisherId,
        ];
    }

    /**
     * The script each case runs. It reports the runtime (OPcache, JIT, Xdebug), a rule
     * function called in a hot loop, one API call, one exception, and (CLI) the exit status
     * of 3 workers forked after those calls, each making its own API call.
     */
    private function writeScript(bool $fork): string
    {
        $path = $this->dir . ($fork ? '/cli.php' : '/fpm.php');
        $forkCode = $fork ? <<<'PHP'
            $report['children'] = [];
            $pids = [];
            for ($i = 0; $i < 3; $i++) {
                $pid = pcntl_fork();
                if ($pid === 0) {
                    pcntl_alarm(20);
                    exit(($client->getPublisher($id)['id'] ?? null) === $id ? 0 : 1);
                }
                $pids[] = $pid;
            }
            foreach ($pids as $pid) {
                pcntl_waitpid($pid, $status);
                $report['children'][] = pcntl_wifexited($status) ? pcntl_wexitstatus($status) : 128 + pcntl_wtermsig($status);
            }
            PHP : '';
        file_put_contents($path, <<<PHP
            <?php
            function names(): string {
                \$name = '';
                for (\$i = 0; \$i < 200; \$i++) {
                    \$name = Aflexi\\username_for_service('', 'a@b.c', 7);
                }
                return \$name;
            }
            \$env = fn (string \$key) => \$_SERVER[\$key] ?? getenv(\$key);
            \$id = (int) \$env('AFLEXI_PUBLISHER_ID');
            \$client = new Aflexi\\Client(\$env('AFLEXI_SANDBOX_URL'), 'acme', \$env('AFLEXI_AUTH_KEY'), ['operation_timeout' => 10]);
            \$report = ['username' => names(), 'publisher' => \$client->getPublisher(\$id)['id'] === \$id, 'exception' => null];
            try {
                \$client->suspend(2000000000);
            } catch (Aflexi\\Exception \$e) {
                \$report['exception'] = get_class(\$e);
            }
            $forkCode
            \$status = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
            \$report += [
                'pid' => getmypid(),
                'opcache' => is_array(\$status) && \$status['opcache_enabled'],
                'jit' => is_array(\$status) && (\$status['jit']['on'] ?? false),
                'jit_used' => is_array(\$status) ? (\$status['jit']['buffer_size'] ?? 0) - (\$status['jit']['buffer_free'] ?? 0) : 0,
                'cached' => function_exists('opcache_is_script_cached') && opcache_is_script_cached(__FILE__),
                'hits' => is_array(\$status) ? \$status['opcache_statistics']['hits'] : 0,
                'xdebug' => extension_loaded('xdebug'),
            ];
            echo json_encode(\$report);
            PHP);
        return $path;
    }
}
