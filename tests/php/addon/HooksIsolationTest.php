<?php
/**
 * The addon's hooks.php never breaks a WHMCS page: loaded in a fresh PHP
 * process the way WHMCS includes it, with the server module's folder absent, without the
 * extension, with the database unreachable and with the Aflexi API down, every hook returns
 * cleanly (nothing thrown, no fatal, no output) and the reason reaches the activity log (and
 * the addon page, when the server module is missing).
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use AflexiTests\Support\HooksInFreshProcess;
use WHMCS\Database\Capsule;
use WhmcsHarness\Fixtures;

final class HooksIsolationTest extends AddonTestCase
{
    use HooksInFreshProcess;

    private const ADDON = 'addons/aflexi_cdn';

    public function testHooksWithoutTheServerModuleFolderSaySoInTheActivityLogAndOnTheAddonPage(): void
    {
        $report = $this->loadHooksInFreshProcess(self::ADDON, 'no-other-module', $this->ids());

        self::assertContains('InvoicePaid', $report['fired']);
        self::assertCount(count($report['fired']), $this->activityWith($report, 'server module (modules/servers/aflexi) is missing'));
        self::assertStringContainsString('server module (modules/servers/aflexi) is missing', (string) $report['page']);
    }

    public function testHooksWithoutTheExtensionSaySo(): void
    {
        $report = $this->loadHooksInFreshProcess(self::ADDON, 'no-extension', $this->ids());

        self::assertNotSame([], $this->activityWith($report, 'extension "aflexi" is not loaded'), implode("\n", $report['activity']));
    }

    public function testHooksWithTheDatabaseUnreachableReturnCleanly(): void
    {
        $report = $this->loadHooksInFreshProcess(self::ADDON, 'db-down', $this->ids());

        self::assertNotSame([], $this->activityWith($report, 'Aflexi CDN'), 'the failure is reported (the activity log is in the same database, so WHMCS may not keep it)');
    }

    public function testHooksWithTheApiDownSaySo(): void
    {
        $ids = $this->ids();
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['hostname' => '127.0.0.1:1', 'secure' => '']);

        $report = $this->loadHooksInFreshProcess(self::ADDON, 'api-down', $ids);

        self::assertNotSame([], $this->activityWith($report, '[InvoicePaid]'), implode("\n", $report['activity']));
    }

    /** @return array{client: int, service: int, product: int, invoice: int} a CDN client with a paid-for service */
    private function ids(): array
    {
        $product = $this->product();
        $client = Fixtures::client(['email' => 'hooks@example.com']);
        $service = $this->activeService($product, ['userid' => $client]);
        $this->saveAndApply([$product]);
        return ['client' => $client, 'service' => $service, 'product' => $product, 'invoice' => Fixtures::invoiceForService($service, 10.00)];
    }
}
