<?php
/**
 * Base of the addon's tests: a clean WHMCS (the harness's TestCase), the request-level
 * caches of the addon and the shared library forgotten, a fresh Aflexi operator on the
 * shared sandbox with a WHMCS server record pointing at it (FreshOperator), and the addon
 * activated with that server.
 */

declare(strict_types=1);

namespace AflexiAddonTests\Support;

require_once dirname(__DIR__, 2) . '/module/support/RawXmlRpc.php';

use AflexiModuleTests\Support\RawXmlRpc;
use AflexiTests\Support\FreshOperator;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Fixtures;

abstract class AddonTestCase extends \WhmcsHarness\TestCase
{
    use FreshOperator;

    public const MODULE = 'aflexi_cdn';

    protected function setUp(): void
    {
        parent::setUp();
        Schema::forget();
        \WHMCS\Module\Server\Aflexi\Schema::forget();
        \WHMCS\Module\Server\Aflexi\WelcomeTemplate::forget();
        $this->freshOperator('cdn');
        $result = Addon::activate(self::MODULE, ['server' => (string) $this->serverId]);
        self::assertSame('success', $result['status'] ?? null, (string) ($result['description'] ?? ''));
    }

    protected function tearDown(): void
    {
        $this->sandbox->calm();
        parent::tearDown();
    }

    /** The publisher of that local username on Aflexi, or null. */
    protected function publisher(string $username): ?array
    {
        return $this->aflexi()->findPublisher($username);
    }

    /** A cPanel-like product (configoption1 = the hosting package), priced 10.00 monthly unless told otherwise. */
    protected function product(string $name = 'Web Hosting Gold', string $hostingPackage = '', array $o = []): int
    {
        return Fixtures::product($o + ['name' => $name, 'servertype' => 'cpanel', 'configoptions' => [$hostingPackage], 'autosetup' => '']);
    }

    /** An Active service of the product (a new client unless given). */
    protected function activeService(int $productId, array $o = []): int
    {
        return Fixtures::service($o + ['packageid' => $productId, 'domainstatus' => 'Active', 'server' => 0]);
    }

    /** Save Settings with these products ticked: the preview page. */
    protected function save(array $productIds): string
    {
        return AddonPage::post(self::MODULE, ['products' => array_map('strval', $productIds)], ['action' => 'save']);
    }

    /** Save Settings, then Apply, then every step until the run is done: the final page. */
    protected function saveAndApply(array $productIds, int $maxSteps = 200): string
    {
        $this->save($productIds);
        $html = AddonPage::post(self::MODULE, [], ['action' => 'apply']);
        $steps = 0;
        while (($runId = $this->pendingRun($html)) !== null) {
            self::assertLessThan($maxSteps, ++$steps, 'the run does not finish');
            $html = AddonPage::post(self::MODULE, [], ['action' => 'step', 'run' => (string) $runId]);
        }
        self::assertStringContainsString('progress-bar-success', $html, $html);
        return $html;
    }

    /** The run a progress page asks to continue, or null when it shows a finished run. */
    protected function pendingRun(string $html): ?int
    {
        return preg_match('~id="aflexi-step" action="[^"]*run=(\d+)"~', $html, $m) === 1 ? (int) $m[1] : null;
    }

    /** The addon's record of a service. */
    protected function record(int $serviceId): ?object
    {
        return Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)->first();
    }

    /** The client's e-mail turned into the addon's username rule. */
    protected function usernameOf(int $serviceId): string
    {
        $row = Capsule::table('tblhosting as h')->join('tblclients as c', 'c.id', '=', 'h.userid')
            ->where('h.id', $serviceId)->select(['h.username', 'c.email'])->first();
        return \Aflexi\username_for_addon((string) $row->username, (string) $row->email);
    }

    /** Whether $password is the publisher's password on Aflexi (the sandbox accepts a password as the secret). */
    protected function passwordWorks(string $localUsername, string $password): bool
    {
        $answer = (new RawXmlRpc($this->sandbox->coreUrl()))->call('user.get', [$localUsername . '/' . $this->operatorId, $password, ['self' => true]]);
        return !RawXmlRpc::isFault($answer);
    }

    /** XML-RPC calls the sandbox received that change something (creates, updates, suspends...). */
    protected function writeCalls(): int
    {
        $writes = 0;
        foreach ($this->sandbox->calls() as $method => $n) {
            if ($method !== 'total' && preg_match('/(create|update|delete|suspend|activate|add|set|change|save|remove|link)/i', (string) $method) === 1
                && preg_match('/(get|list|find|search)/i', (string) $method) !== 1) {
                $writes += (int) $n;
            }
        }
        return $writes;
    }

    /**
     * Starts an actor of support/overlap-child.php (a separate PHP process on this test's
     * database) and waits until it is ready; it starts working on go(). Without
     * AFLEXI_DRILL_DONE in $env, a `save` actor makes one run and stops.
     *
     * @param list<string> $args
     * @param array<string, string> $env
     * @return array{0: resource, 1: array<int, resource>, 2: list<string>}
     */
    protected function actor(array $args, array $env = []): array
    {
        $so = getenv('AFLEXI_EXT_SO') ?: dirname(__DIR__, 3) . '/target/release/libaflexi.so';
        $env += ['AFLEXI_DRILL_DONE' => __FILE__]; // a file that exists: "the hooks are done"
        $process = proc_open(array_merge([PHP_BINARY, '-d', "extension=$so", __DIR__ . '/overlap-child.php'], $args),
            [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['AFLEXI_TEST_CRYPTO_KEY' => \WhmcsHarness\Crypto::exportKey()] + $env + getenv());
        self::assertIsResource($process);
        do { // PHP notices may come first
            $line = fgets($pipes[1]);
        } while ($line !== false && $line !== "ready\n");
        if ($line === false) {
            self::fail(implode(' ', $args) . ' did not start: ' . stream_get_contents($pipes[2]));
        }
        return [$process, $pipes, $args];
    }

    /** @param array{0: resource, 1: array<int, resource>, 2: list<string>} $actor */
    protected static function go(array $actor): void
    {
        fwrite($actor[1][0], "go\n");
        fclose($actor[1][0]);
    }

    /**
     * Waits for an actor to end; it must exit 0. Returns its JSON line.
     *
     * @param array{0: resource, 1: array<int, resource>, 2: list<string>} $actor
     */
    protected static function finish(array $actor): mixed
    {
        [$process, $pipes, $args] = $actor;
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        self::assertSame(0, proc_close($process), implode(' ', $args) . ": $stdout $stderr");
        $lines = explode("\n", trim($stdout));
        return json_decode((string) end($lines), true) ?? $stdout;
    }

    /** A WHMCS cron run's AfterCronJob (every run): the clients queued by ClientEdit are synchronized. */
    protected function afterCron(): void
    {
        run_hook('AfterCronJob', []);
    }

    /** Pays an invoice as a gateway would (AddInvoicePayment): InvoicePaid fires with its real payload. */
    protected function pay(int $invoiceId, string $transid = ''): void
    {
        $total = (float) Capsule::table('tblinvoices')->where('id', $invoiceId)->value('total');
        $result = localAPI('AddInvoicePayment', ['invoiceid' => $invoiceId, 'transid' => $transid !== '' ? $transid : 'TX' . bin2hex(random_bytes(4)),
            'amount' => $total, 'gateway' => 'mailin']);
        self::assertSame('success', $result['result'] ?? null, json_encode($result));
    }
}
