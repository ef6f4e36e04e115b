<?php
/**
 * The extension under PHP-FPM, as WHMCS runs: php-fpm8.2 loads it in the master (MINIT),
 * forks 4 workers, and 1,000 FastCGI requests (sent with cgi-fcgi, 8 at a time) each make a
 * new Aflexi\Client and call the sandbox. Every request must succeed, none may hang, and all
 * 4 workers must have served: a runtime or connection built before the fork would hang the
 * workers' calls instead.
 *
 * Needs php-fpm8.2 and cgi-fcgi (libfcgi-bin), which scripts/install-deps.sh installs.
 *
 * @group fpm
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\SandboxProcess;

final class FpmTest extends ExtensionTestCase
{
    use FpmPool;

    private const REQUESTS = 1000;
    private const WORKERS = 4;
    private const IN_FLIGHT = 8;
    /** A request still running after this many seconds counts as hung (and is killed). */
    private const REQUEST_LIMIT = 20;

    protected function setUp(): void
    {
        parent::setUp();
        $this->makeFpmDir('fpm');
    }

    protected function tearDown(): void
    {
        $this->stopFpm();
    }

    public function testAThousandRequestsOverFourWorkersAllSucceedAndNoneHangs(): void
    {
        $fpmBinary = self::tool('AFLEXI_PHP_FPM', ['php-fpm8.2', '/usr/sbin/php-fpm8.2']);
        $cgiFcgi = self::tool('AFLEXI_CGI_FCGI', ['cgi-fcgi']);
        $publisherId = $this->sandbox->seedPublishers(1, self::unique('fpm'))['first'];
        $socket = $this->startFpm($fpmBinary, self::WORKERS, self::REQUEST_LIMIT);
        // Each request: a new client, one API call, one rule call.
        $script = $this->writeRequestScript(<<<'PHP'
            <?php
            header('Content-Type: text/plain');
            try {
                $id = (int) $_SERVER['AFLEXI_PUBLISHER_ID'];
                $client = new Aflexi\Client($_SERVER['AFLEXI_SANDBOX_URL'], 'acme', $_SERVER['AFLEXI_AUTH_KEY'], ['operation_timeout' => 10]);
                $publisher = $client->getPublisher($id);
                $name = Aflexi\username_for_service('', 'a@b.c', 7);
                echo ($publisher['id'] === $id && $name === 'a_b.c_7') ? 'OK ' . getmypid() : 'WRONG';
            } catch (Throwable $e) {
                echo 'FAIL ', get_class($e), ': ', $e->getMessage();
            }
            PHP);

        $ok = 0;
        $failures = [];
        $hangs = 0;
        $workers = [];
        $started = microtime(true);
        $this->sendRequests($cgiFcgi, $socket, $script, $this->sandbox, $publisherId, self::REQUESTS, self::IN_FLIGHT, self::REQUEST_LIMIT,
            static function (string $body, bool $hung, int $exit) use (&$ok, &$failures, &$hangs, &$workers): void {
                if ($hung) {
                    $hangs++;
                } elseif (preg_match('/^OK (\d+)$/m', $body, $m)) {
                    $ok++;
                    $workers[$m[1]] = ($workers[$m[1]] ?? 0) + 1;
                } else {
                    $failures[] = "exit $exit: " . substr(trim($body), 0, 300);
                }
            });
        $elapsed = microtime(true) - $started;
        $log = $this->fpmLogSoFar();

        fwrite(STDERR, sprintf(
            "\n[fpm] %d requests, %d in flight, %d workers: %d ok, %d failed, %d hung in %.1f s (%.0f req/s); per worker %s\n",
            self::REQUESTS,
            self::IN_FLIGHT,
            self::WORKERS,
            $ok,
            count($failures),
            $hangs,
            $elapsed,
            self::REQUESTS / $elapsed,
            json_encode(array_values($workers)),
        ));
        self::assertSame([], array_slice($failures, 0, 5), 'failed requests');
        self::assertSame(0, $hangs, 'hung requests');
        self::assertSame(self::REQUESTS, $ok);
        self::assertCount(self::WORKERS, $workers, 'not every worker served');
        self::assertDoesNotMatchRegularExpression('/exited on signal|timed out|SIGSEGV|panicked/', $log, $log);
    }
}
