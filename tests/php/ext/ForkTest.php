<?php
/**
 * A client used before a fork keeps working in the child and in the parent: the core keeps
 * its runtime and HTTP client per process, so the child builds its own instead of waiting
 * on threads that fork() did not copy. This is what PHP-FPM and Apache prefork do to every
 * worker, and what pcntl_fork does in a WHMCS cron.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

/**
 * @requires extension pcntl
 */
#[\PHPUnit\Framework\Attributes\RequiresPhpExtension('pcntl')]
final class ForkTest extends ExtensionTestCase
{
    /** Seconds after which a child that hangs is killed by SIGALRM (and the test fails). */
    private const HANG_GUARD = 20;

    public function testAClientUsedBeforeForkWorksInTheChildAndTheParent(): void
    {
        $client = $this->client(['operation_timeout' => 10]);
        $prefix = self::unique('fork');
        $id = $this->sandbox->seedPublishers(1, $prefix)['first'];
        // The parent builds its runtime and connection pool before the fork.
        self::assertSame($id, $client->getPublisher($id)['id']);

        $pid = pcntl_fork();
        self::assertNotSame(-1, $pid, 'fork failed');
        if ($pid === 0) {
            // Child: exit status 0 only if every call worked; SIGALRM ends a hang.
            pcntl_alarm(self::HANG_GUARD);
            $ok = false;
            try {
                $first = $client->getPublisher($id);
                $ok = $first['id'] === $id
                    && $client->suspend($id) === 'applied'
                    && \Aflexi\username_for_service('', 'a@b.c', 1) === 'a_b.c_1';
            } catch (\Throwable $e) {
                fwrite(STDERR, 'child: ' . get_class($e) . ': ' . $e->getMessage() . "\n");
            }
            exit($ok ? 0 : 1);
        }

        // Parent: keeps using the same client while the child works.
        self::assertSame($id, $client->getPublisher($id)['id']);
        pcntl_waitpid($pid, $status);
        self::assertChildSucceeded($status);
        self::assertSame('SUSPENDED', $this->sandbox->link($id)['status'], 'the child\'s write did not reach Aflexi');
        // After the child: the parent's client is still fine.
        self::assertSame('applied', $client->activate($id));
    }

    public function testManyChildrenOfOneParentEachMakeTheirOwnCalls(): void
    {
        $client = $this->client(['operation_timeout' => 10]);
        $client->operator();
        $children = [];
        for ($i = 0; $i < 8; $i++) {
            $pid = pcntl_fork();
            self::assertNotSame(-1, $pid);
            if ($pid === 0) {
                pcntl_alarm(self::HANG_GUARD);
                $ok = false;
                try {
                    $ok = is_array($client->listPackages()) && $client->portalUrl() !== '';
                } catch (\Throwable $e) {
                    fwrite(STDERR, 'child: ' . $e->getMessage() . "\n");
                }
                exit($ok ? 0 : 1);
            }
            $children[] = $pid;
        }
        foreach ($children as $pid) {
            pcntl_waitpid($pid, $status);
            self::assertChildSucceeded($status);
        }
    }

    private static function assertChildSucceeded(int $status): void
    {
        if (pcntl_wifsignaled($status)) {
            $signal = pcntl_wtermsig($status);
            self::assertNotSame(SIGALRM, $signal, 'the child hung until the ' . self::HANG_GUARD . ' s guard');
            self::fail("the child was killed by signal $signal");
        }
        self::assertTrue(pcntl_wifexited($status));
        self::assertSame(0, pcntl_wexitstatus($status), 'a call in the child failed (see stderr)');
    }
}
