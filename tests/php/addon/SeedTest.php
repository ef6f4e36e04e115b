<?php
/**
 * The product document "WHMCS AddOn" (shared/seeds/001), one test per table row and note,
 * named in its words. Outcomes are read from the sandbox (Aflexi's state), WHMCS's rows and
 * the returned pages.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Catalog;
use WhmcsHarness\Actions;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Fixtures;

final class SeedTest extends AddonTestCase
{
    public function testSaveSettingsSynchronizesThePublisherAccountAndPackageOfCdnEnabledProducts(): void
    {
        $product = $this->product('Web Hosting Gold', 'gold_web');
        $service = $this->activeService($product);

        $html = $this->saveAndApply([$product]);

        $publisher = $this->publisher($this->usernameOf($service));
        self::assertNotNull($publisher);
        self::assertSame('ACTIVE', strtoupper($publisher['status']));
        self::assertSame('gold_web', $publisher['package']['name']);
        self::assertStringContainsString('aflexi-count-create">1<', $html);
        $record = $this->record($service);
        self::assertSame((int) $publisher['id'], (int) $record->publisher_id);
        self::assertSame('ACTIVE', $record->status);
        self::assertSame('gold_web', $record->package);
    }

    public function testWhenAPaymentIsMadeToACdnEnabledProductThePublisherAndPackageAreSynchronized(): void
    {
        $product = $this->product('Web Hosting Gold', 'gold_web');
        $this->saveAndApply([$product]);
        $service = $this->activeService($product);
        self::assertNull($this->publisher($this->usernameOf($service)), 'nothing before the payment');

        $this->pay(Fixtures::invoiceForService($service));

        $publisher = $this->publisher($this->usernameOf($service));
        self::assertNotNull($publisher);
        self::assertSame('ACTIVE', strtoupper($publisher['status']));
        self::assertSame('gold_web', $publisher['package']['name']);
        self::assertSame('ACTIVE', $this->record($service)->status);
    }

    public function testWhenAPaymentIsMadeOnTheAddonLineThePublisherIsSynchronized(): void
    {
        $product = $this->product('Web Hosting Gold', 'gold_web');
        $this->saveAndApply([$product]);
        $service = $this->activeService($product);
        $addon = Fixtures::clientAddon(['hostingid' => $service, 'addonid' => Catalog::addonId(), 'status' => 'Active', 'name' => 'Aflexi CDN']);

        $this->pay(Fixtures::invoice([], [['type' => 'Addon', 'relid' => $addon, 'amount' => 1.00]]));

        self::assertSame('ACTIVE', strtoupper($this->publisher($this->usernameOf($service))['status']));
    }

    public function testWhenUserEmailOrNameIsChangedTheLatestIsSynchronized(): void
    {
        $product = $this->product();
        $client = Fixtures::client(['firstname' => 'Ann', 'lastname' => 'Old', 'email' => 'ann.old@example.com']);
        $service = $this->activeService($product, ['userid' => $client]);
        $this->saveAndApply([$product]);
        $username = $this->usernameOf($service);

        Actions::editClient($client, ['email' => 'ann.new@example.net', 'firstname' => 'Anna', 'lastname' => 'New']);
        $this->afterCron(); // the next WHMCS cron run (ClientEdit only queues the client)

        $publisher = $this->publisher($username);
        self::assertSame('ann.new@example.net', $publisher['email']);
        self::assertSame('Anna New', $publisher['name']);
        self::assertNull($this->publisher(\Aflexi\username_for_addon('', 'ann.new@example.net')), 'the username stays: no second publisher');
    }

    public function testWhenAUserAccountIsClosedTheAflexiAccountIsSuspended(): void
    {
        $product = $this->product();
        $service = $this->activeService($product);
        $this->saveAndApply([$product]);
        $client = (int) Capsule::table('tblhosting')->where('id', $service)->value('userid');

        Actions::closeClient($client);

        self::assertSame('SUSPENDED', strtoupper($this->publisher($this->usernameOf($service))['status']));
        self::assertSame('SUSPENDED', $this->record($service)->status);
    }

    public function testWhenAUserAccountIsDeletedTheAflexiAccountIsSuspended(): void
    {
        $product = $this->product();
        $service = $this->activeService($product);
        $this->saveAndApply([$product]);
        $username = $this->usernameOf($service);
        $client = (int) Capsule::table('tblhosting')->where('id', $service)->value('userid');

        Actions::deleteClient($client);

        self::assertSame('SUSPENDED', strtoupper($this->publisher($username)['status']));
        self::assertSame('SUSPENDED', $this->record($service)->status);
    }

    public function testWhenAnInvoiceIsRefundedTheAccountIsSuspended(): void
    {
        [$service, $invoice, $transaction] = $this->paidService();

        Actions::manualRefund($transaction);

        self::assertSame('SUSPENDED', strtoupper($this->publisher($this->usernameOf($service))['status']));
        self::assertStringContainsString('refunded', (string) $this->record($service)->hold);
    }

    public function testWhenAnInvoiceIsCancelledTheAccountIsSuspended(): void
    {
        [$service, $invoice] = $this->paidService();

        Actions::cancelInvoice($invoice);

        self::assertSame('SUSPENDED', strtoupper($this->publisher($this->usernameOf($service))['status']));
    }

    public function testWhenAnInvoiceIsSetToUnpaidTheAccountIsSuspended(): void
    {
        [$service, $invoice] = $this->paidService();

        Actions::markInvoiceUnpaid($invoice);

        self::assertSame('SUSPENDED', strtoupper($this->publisher($this->usernameOf($service))['status']));
    }

    public function testAnAccountSuspendedForAnUnpaidInvoiceIsReactivatedWhenItIsPaid(): void
    {
        [$service, $invoice] = $this->paidService();
        Actions::markInvoiceUnpaid($invoice);

        $this->pay($invoice);

        self::assertSame('ACTIVE', strtoupper($this->publisher($this->usernameOf($service))['status']));
        self::assertNull($this->record($service)->hold);
    }

    public function testFreeProductsAndTheirUsersAreNotSynchronized(): void
    {
        $free = $this->product('Free Trial', 'trial', ['paytype' => 'free']);
        $zero = $this->product('Zero Priced', 'zero', ['pricing' => ['monthly' => 0.00, 'annually' => 0.00]]);
        $paid = $this->product('Paid', 'paid');
        $freeService = $this->activeService($free);
        $zeroService = $this->activeService($zero);
        $paidService = $this->activeService($paid);

        $this->saveAndApply([$free, $zero, $paid]);

        self::assertNull($this->publisher($this->usernameOf($freeService)));
        self::assertNull($this->publisher($this->usernameOf($zeroService)));
        self::assertNull($this->record($freeService));
        self::assertNull($this->record($zeroService));
        self::assertNotNull($this->publisher($this->usernameOf($paidService)));
        $names = array_column($this->aflexi()->listPackages(), 'name');
        self::assertNotContains('trial', $names);
        self::assertNotContains('zero', $names);
    }

    public function testPackageIsSynchronizedByTheWebhostingPackageName(): void
    {
        $product = $this->product('Reseller Hosting', 'whm_reseller_pkg');
        $service = $this->activeService($product);

        $this->saveAndApply([$product]);

        self::assertSame('whm_reseller_pkg', $this->publisher($this->usernameOf($service))['package']['name']);
    }

    public function testPackageIsSynchronizedByTheProductNameWithoutAWebhostingPackage(): void
    {
        $product = Fixtures::product(['name' => 'CDN Only Plan', 'servertype' => '', 'autosetup' => '']);
        $service = $this->activeService($product);

        $this->saveAndApply([$product]);

        self::assertSame('CDN Only Plan', $this->publisher($this->usernameOf($service))['package']['name']);
    }

    public function testUsernameIsTheOrdersUsername(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'shopuser1']);

        $this->saveAndApply([$product]);

        self::assertNotNull($this->publisher('shopuser1'));
        self::assertSame('shopuser1', $this->record($service)->username);
    }

    public function testUsernameIsTheEmailWhenTheOrderHasNoUsername(): void
    {
        $product = $this->product();
        $client = Fixtures::client(['email' => 'Jane.Doe@Example.com']);
        $service = $this->activeService($product, ['userid' => $client, 'username' => '']);

        $this->saveAndApply([$product]);

        self::assertSame('jane.doe_example.com', $this->record($service)->username);
        self::assertNotNull($this->publisher('jane.doe_example.com'));
    }

    public function testEachPackageIsCreatedInAflexiThroughTheSynchronization(): void
    {
        $a = $this->product('Plan A', 'pkg_alpha');
        $b = $this->product('Plan B', 'pkg_beta');
        $this->activeService($a);
        $this->activeService($b);
        self::assertNotContains('pkg_alpha', array_column($this->aflexi()->listPackages(), 'name'));

        $this->saveAndApply([$a, $b]);

        $names = array_column($this->aflexi()->listPackages(), 'name');
        self::assertContains('pkg_alpha', $names);
        self::assertContains('pkg_beta', $names);
        $page = AddonPage::post(self::MODULE, ['load' => '1'], ['action' => 'packages']);
        self::assertStringContainsString('pkg_alpha', $page);
    }

    public function testTheAddonIsFreeByDefault(): void
    {
        $addon = Capsule::table('tbladdons')->where('name', 'Aflexi CDN')->first();
        self::assertNotNull($addon, 'activation creates the product addon "Aflexi CDN"');
        self::assertFalse(Catalog::addonPriced((int) $addon->id));
        $product = $this->product();
        $service = $this->activeService($product);

        $this->saveAndApply([$product]);

        self::assertNotNull($this->publisher($this->usernameOf($service)), 'a free addon is not needed on the service');
        self::assertSame((string) $product, Capsule::table('tbladdons')->where('id', $addon->id)->value('packages'), 'orderable with the CDN products');
    }

    public function testAPricedAddonIsNeededOnTheServiceForCdn(): void
    {
        $addonId = Catalog::addonId();
        Capsule::table('tbladdons')->where('id', $addonId)->update(['billingcycle' => 'Monthly']);
        Capsule::table('tblpricing')->insert(['type' => 'addon', 'currency' => 1, 'relid' => $addonId, 'monthly' => 5.00]);
        $product = $this->product();
        $without = $this->activeService($product);
        $with = $this->activeService($product);
        Fixtures::clientAddon(['hostingid' => $with, 'addonid' => $addonId, 'status' => 'Active', 'name' => 'Aflexi CDN']);

        $this->saveAndApply([$product]);

        self::assertNull($this->publisher($this->usernameOf($without)));
        self::assertNotNull($this->publisher($this->usernameOf($with)));
    }

    public function testShowSynchronizedPublishersShowsThePasswordAsOfSyncTime(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'pwuser']);
        $this->saveAndApply([$product]);
        $record = $this->record($service);
        $password = decrypt((string) $record->password);
        self::assertMatchesRegularExpression('/^[A-Za-z0-9]{16}$/', $password);
        self::assertStringNotContainsString($password, (string) $record->password, 'stored encrypted');

        $list = AddonPage::get(self::MODULE, ['action' => 'publishers']);
        self::assertStringContainsString('pwuser', $list);
        self::assertStringContainsString('<td>Web Hosting Gold</td>', $list, 'and its package');
        self::assertStringNotContainsString($password, $list, 'shown only on request');

        $this->aflexi()->changePassword((int) $record->publisher_id, 'Changed0nAflexi99');
        $shown = AddonPage::post(self::MODULE, ['show' => (string) $service], ['action' => 'publishers']);
        self::assertStringContainsString('<code class="aflexi-password">' . $password . '</code>', $shown);
        self::assertStringNotContainsString('Changed0nAflexi99', $shown);
        self::assertSame([], \WhmcsHarness\Whmcs::leaksOf($password));
    }

    /** @return array{0: int, 1: int, 2: int} an entitled, synchronized service, its paid invoice and the payment */
    private function paidService(): array
    {
        $product = $this->product();
        $service = $this->activeService($product);
        $this->saveAndApply([$product]);
        $invoice = Fixtures::invoiceForService($service);
        $this->pay($invoice, 'PAY-' . $service);
        self::assertSame('ACTIVE', strtoupper($this->publisher($this->usernameOf($service))['status']));
        $transaction = (int) Capsule::table('tblaccounts')->where('invoiceid', $invoice)->where('amountin', '>', 0)->value('id');
        return [$service, $invoice, $transaction];
    }
}
