<?php
/**
 * The lost answer through the module (docs/RELIABILITY.md (h)): a WHMCS process running Create is
 * killed with SIGKILL after Aflexi created the publisher and before anything of it reached
 * WHMCS's database (no shutdown function, no rollback). Running Create again finishes the service on the same
 * publisher: one publisher, one link, and the password WHMCS shows logs in.
 */

declare(strict_types=1);

namespace AflexiModuleTests;

use AflexiModuleTests\Support\ModuleTestCase;
use WhmcsHarness\Crypto;

final class KillTest extends ModuleTestCase
{
    public function testCreateKilledAfterAflexiCreatedThePublisherIsFinishedByTheNextCreate(): void
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'lostanswer@example.com']),
            ['username' => 'lostanswer']);
        // This test's connection holds the service's row: the child's Create makes the
        // publisher on Aflexi, then waits on its first write of the row, where it is killed.
        // (A window of API latency alone depends on how many calls follow the create.)
        $db = \WHMCS\Database\Capsule::connection();
        $db->beginTransaction();
        $db->table('tblhosting')->where('id', $service)->lockForUpdate()->first();

        $creates = $this->sandbox->answered('user.create');
        $so = getenv('AFLEXI_EXT_SO') ?: dirname(__DIR__, 3) . '/target/release/libaflexi.so';
        $child = proc_open([PHP_BINARY, '-d', "extension=$so", __DIR__ . '/support/create-child.php', (string) $service],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['AFLEXI_TEST_CRYPTO_KEY' => Crypto::exportKey()] + getenv());
        self::assertIsResource($child);
        self::assertSame("ready\n", fgets($pipes[1]));
        $pid = proc_get_status($child)['pid'];
        try {
            $this->sandbox->answered('user.create', $creates + 1); // Aflexi made the publisher
        } catch (\RuntimeException $e) {
            self::fail('Aflexi never made the publisher: ' . $e->getMessage() . ' ' . stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]));
        }
        $made = $this->publishersOfOperator();
        posix_kill($pid, SIGKILL);
        pcntl_waitpid($pid, $wait); // blocks until the child is gone
        $stdout = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($child);
        self::assertTrue(pcntl_wifsignaled($wait), "the child was killed, not finished: $stdout (wait status $wait)");
        self::assertSame('', trim($stdout), 'it never heard the answer');
        $db->rollBack();
        self::assertSame('Pending', $this->hosting($service)->domainstatus, 'WHMCS never saw Create succeed');
        self::assertCount(1, $made);
        $publisherId = (int) $made[0]['id'];
        $full = strtolower((string) $made[0]['username']);

        $this->sandbox->calm();
        $result = localAPI('ModuleCreate', ['serviceid' => $service]);
        self::assertSame('success', $result['result'] ?? null, json_encode($result));

        $after = $this->publishersOfOperator();
        self::assertCount(1, $after, 'one publisher');
        self::assertSame($publisherId, (int) $after[0]['id'], 'the one the killed Create made');
        $links = array_filter($this->sandbox->linksOf($this->operatorId), static fn (array $l): bool => (int) $l['publisher'] === $publisherId);
        self::assertCount(1, $links, 'one link');
        self::assertSame('gold', $this->packageOf(array_values($links)[0]));
        self::assertSame('ACTIVE', strtoupper((string) array_values($links)[0]['status']));
        self::assertSame($publisherId, (int) $this->record($service)->publisher_id);
        $hosting = $this->hosting($service);
        self::assertSame('Active', $hosting->domainstatus);
        $answer = (new Support\RawXmlRpc($this->sandbox->coreUrl()))->call('user.get', [$full, decrypt((string) $hosting->password), ['self' => true]]);
        self::assertFalse(Support\RawXmlRpc::isFault($answer), 'the password WHMCS shows logs in');
    }

    /** @return list<array<string, mixed>> the publisher users under this test's operator */
    private function publishersOfOperator(): array
    {
        return array_values(array_filter($this->sandbox->state()['publishers'] ?? [],
            fn (array $p): bool => str_ends_with((string) $p['username'], '/' . $this->operatorId)));
    }
}
