<?php
/**
 * The module's hooks.php never breaks a WHMCS page: loaded in a fresh PHP
 * process the way WHMCS includes it, with the addon's folder absent, without the extension,
 * with the database unreachable and with the Aflexi API down, every hook returns cleanly
 * (nothing thrown, no fatal, no output) and the reason reaches the activity log.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiTests\Support\HooksInFreshProcess;
use WHMCS\Database\Capsule;
use WhmcsHarness\Fixtures;

final class HooksIsolationTest extends ModuleTestCase
{
    use HooksInFreshProcess;

    private const MODULE = 'servers/aflexi';

    public function testHooksRunWithoutTheAddonFolder(): void
    {
        $report = $this->loadHooksInFreshProcess(self::MODULE, 'no-other-module', $this->ids());

        self::assertSame(['ClientClose', 'PreDeleteClient', 'ClientDelete', 'EmailPreSend', 'ProductEdit', 'DailyCronJob'], $report['fired']);
    }

    public function testHooksRunWithoutTheExtensionAndSaySo(): void
    {
        $report = $this->loadHooksInFreshProcess(self::MODULE, 'no-extension', $this->ids());

        self::assertNotSame([], $this->activityWith($report, 'extension "aflexi" is not loaded'), implode("\n", $report['activity']));
    }

    public function testHooksRunWithTheDatabaseUnreachable(): void
    {
        $report = $this->loadHooksInFreshProcess(self::MODULE, 'db-down', $this->ids());

        self::assertNotSame([], $this->activityWith($report, 'Aflexi CDN'), 'the failure is reported (the activity log is in the same database, so WHMCS may not keep it)');
    }

    public function testHooksRunWithTheApiDownAndSaySo(): void
    {
        $ids = $this->ids();
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['hostname' => '127.0.0.1:1', 'secure' => '']);

        $report = $this->loadHooksInFreshProcess(self::MODULE, 'api-down', $ids);

        self::assertNotSame([], $this->activityWith($report, "service #{$ids['service']}"), implode("\n", $report['activity']));
    }

    /** @return array{client: int, service: int, product: int, invoice: int} a client with a created CDN account */
    private function ids(): array
    {
        $product = $this->product('CDN Gold', 'gold');
        $client = $this->client(['email' => 'hooks@example.com']);
        $service = $this->service($product, $client);
        $this->assertActionSucceeds('Create', $service);
        return ['client' => $client, 'service' => $service, 'product' => $product, 'invoice' => Fixtures::invoiceForService($service, 10.00)];
    }
}
