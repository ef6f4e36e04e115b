<?php
/**
 * The addon around the seed: enabling and disabling products, every hook with WHMCS's real
 * payload keys (through the stand-in's actions), hooks fired twice, CSRF, escaping, faults,
 * the stepped Save Settings run and its resumption, the cron reconcile, the lifecycle.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Hooks;
use WhmcsHarness\TokenRejected;
use WhmcsHarness\Whmcs;

final class AddonBehaviourTest extends AddonTestCase
{
    public function testTheProductsPageListsProductsWithACdnEnabledCheckboxButNotAflexiModuleProducts(): void
    {
        $hosting = $this->product('Shared Hosting');
        $moduleProduct = Fixtures::product(['name' => 'Aflexi Module Product', 'servertype' => 'aflexi']);

        $html = AddonPage::get(self::MODULE);

        self::assertStringContainsString('Shared Hosting', $html);
        self::assertStringContainsString('name="products[]" value="' . $hosting . '"', $html);
        self::assertStringNotContainsString('value="' . $moduleProduct . '"', $html);
        self::assertStringContainsString('class="table table-striped', $html);
        self::assertStringContainsString('name="token"', $html);
    }

    public function testSaveSettingsShowsAPreviewAndChangesNothingBeforeApply(): void
    {
        $product = $this->product('Gold', 'gold');
        $service = $this->activeService($product, ['username' => 'previewme']);

        $html = $this->save([$product]);

        self::assertStringContainsString('aflexi-count-create">1<', $html);
        self::assertStringContainsString('previewme', $html);
        self::assertStringContainsString('action=apply', $html);
        self::assertNull($this->publisher('previewme'), 'the preview writes nothing to Aflexi');
        self::assertNull($this->record($service));
        self::assertTrue(Capsule::table(Schema::PRODUCTS)->where('product_id', $product)->exists(), 'the choice is stored');
    }

    public function testDisablingAProductSuspendsItsPublishersInTheSameRun(): void
    {
        $keep = $this->product('Keep', 'keep');
        $drop = $this->product('Drop', 'drop');
        $kept = $this->activeService($keep, ['username' => 'kept1']);
        $dropped = $this->activeService($drop, ['username' => 'dropped1']);
        $this->saveAndApply([$keep, $drop]);

        $preview = $this->save([$keep]);
        self::assertStringContainsString('aflexi-count-suspend">1<', $preview);
        $html = $this->saveAndApply([$keep]);

        self::assertStringContainsString('aflexi-count-suspend">1<', $html);
        self::assertSame('SUSPENDED', strtoupper($this->publisher('dropped1')['status']));
        self::assertSame('ACTIVE', strtoupper($this->publisher('kept1')['status']));
        self::assertSame('SUSPENDED', $this->record($dropped)->status);

        $this->saveAndApply([$keep, $drop]);
        self::assertSame('ACTIVE', strtoupper($this->publisher('dropped1')['status']), 're-enabling re-activates');
    }

    public function testServicesThatAreNotActiveGetNoPublisher(): void
    {
        $product = $this->product();
        $pending = $this->activeService($product, ['domainstatus' => 'Pending', 'username' => 'pending1']);
        $this->saveAndApply([$product]);
        self::assertNull($this->publisher('pending1'));
        self::assertNull($this->record($pending));
    }

    public function testClientStatusAwayFromActiveSuspendsAndBackReactivates(): void
    {
        $product = $this->product();
        $client = Fixtures::client();
        $this->activeService($product, ['userid' => $client, 'username' => 'status1']);
        $this->saveAndApply([$product]);

        Actions::editClient($client, ['status' => 'Inactive']);
        $this->afterCron();
        self::assertSame('SUSPENDED', strtoupper($this->publisher('status1')['status']));

        Actions::editClient($client, ['status' => 'Active']);
        $this->afterCron();
        self::assertSame('ACTIVE', strtoupper($this->publisher('status1')['status']));
    }

    public function testManualRefundPayloadWithoutInvoiceidSuspendsThroughTheTransaction(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'refund1']);
        $this->saveAndApply([$product]);
        $invoice = Fixtures::invoiceForService($service);
        $this->pay($invoice, 'TXN-PARTIAL-1');
        $payment = (int) Capsule::table('tblaccounts')->where('transid', 'TXN-PARTIAL-1')->value('id');

        Actions::manualRefund($payment, 1.00); // partial: only ManualRefund fires, not InvoiceRefunded

        self::assertSame([], Whmcs::hookRuns('InvoiceRefunded'));
        self::assertSame(['transid', 'amount'], array_keys(Whmcs::hookRuns('ManualRefund')[0]['vars']));
        self::assertSame('SUSPENDED', strtoupper($this->publisher('refund1')['status']));
    }

    public function testHooksFiredTwiceMakeNoExtraWrites(): void
    {
        $product = $this->product();
        $client = Fixtures::client();
        $service = $this->activeService($product, ['userid' => $client, 'username' => 'twice1']);
        $this->saveAndApply([$product]);
        $invoice = Fixtures::invoiceForService($service);
        $this->pay($invoice);

        $cases = [
            ['InvoicePaid', ['invoiceid' => $invoice]],
            ['InvoiceCancelled', ['invoiceid' => $invoice]],
            ['InvoiceUnpaid', ['invoiceid' => $invoice]],
            ['InvoiceRefunded', ['invoiceid' => $invoice]],
            ['ClientClose', ['userid' => $client]],
            ['PreDeleteClient', ['userid' => $client]],
            ['ClientDelete', ['userid' => $client]],
        ];
        foreach ($cases as [$hook, $vars]) {
            Hooks::run($hook, $vars);
            $writes = $this->writeCalls();
            $row = (array) $this->record($service);
            Hooks::run($hook, $vars);
            self::assertSame($writes, $this->writeCalls(), "$hook fired twice wrote to Aflexi again");
            $again = (array) $this->record($service);
            unset($row['last_sync'], $row['updated_at'], $again['last_sync'], $again['updated_at']);
            self::assertSame($row, $again, "$hook fired twice changed the record");
        }
        self::assertSame(1, count(array_filter($this->aflexi()->listPublishers(), static fn (array $p): bool => str_starts_with($p['username'], 'twice1'))));
    }

    public function testClientEditWithoutEmailNameOrStatusChangeCallsNothing(): void
    {
        $product = $this->product();
        $client = Fixtures::client();
        $this->activeService($product, ['userid' => $client]);
        $this->saveAndApply([$product]);
        $before = $this->sandbox->totalCalls();

        Actions::editClient($client, ['phonenumber' => '0999', 'city' => 'Elsewhere']);
        $this->afterCron();

        self::assertSame($before, $this->sandbox->totalCalls());
    }

    public function testHooksOfServicesWithoutCdnCallNothing(): void
    {
        $plain = $this->product('Not CDN');
        $service = $this->activeService($plain);
        $invoice = Fixtures::invoiceForService($service);
        $before = $this->sandbox->totalCalls();

        $this->pay($invoice);
        Actions::cancelInvoice($invoice);
        Actions::closeClient((int) Capsule::table('tblhosting')->where('id', $service)->value('userid'));

        self::assertSame($before, $this->sandbox->totalCalls());
        self::assertSame(0, Capsule::table(Schema::PUBLISHERS)->count());
    }

    public function testAHookFailureNeverBreaksThePageAndIsLogged(): void
    {
        $product = $this->product();
        $service = $this->activeService($product);
        $this->saveAndApply([$product]);
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['password' => encrypt('wrong-key')]);

        Actions::cancelInvoice(Fixtures::invoiceForService($service)); // must not throw

        $log = implode("\n", array_map(static fn ($l): string => is_array($l) ? (string) ($l['description'] ?? json_encode($l)) : (string) $l, Whmcs::activityLog()));
        self::assertStringContainsString('Aflexi CDN', $log);
        self::assertNotSame('', (string) $this->record($service)->last_error);
    }

    public function testAPostWithoutTheCsrfTokenIsRejectedAndChangesNothing(): void
    {
        $product = $this->product();
        $this->activeService($product, ['username' => 'csrf1']);
        try {
            AddonPage::post(self::MODULE, ['products' => [(string) $product]], ['action' => 'save'], false);
            self::fail('TokenRejected expected');
        } catch (TokenRejected) {
        }
        self::assertSame(0, Capsule::table(Schema::PRODUCTS)->count());
        self::assertNull($this->publisher('csrf1'));
        foreach ([['action' => 'apply'], ['action' => 'publishers']] as $query) {
            try {
                AddonPage::post(self::MODULE, ['show' => '1'], $query, false);
                self::fail('TokenRejected expected');
            } catch (TokenRejected) {
            }
        }
        self::assertSame(0, Capsule::table(Schema::RUNS)->count());
    }

    public function testAnXssPayloadInAProductOrClientNameIsRenderedEscaped(): void
    {
        $payload = '<script>alert("x")</script><img src=x onerror=alert(1)>';
        $product = $this->product('Evil ' . $payload, 'evilpkg');
        $client = Fixtures::client(['firstname' => $payload, 'lastname' => "O'Brien"]);
        $this->activeService($product, ['userid' => $client, 'username' => 'xss1']);
        $this->saveAndApply([$product]);

        foreach ([AddonPage::get(self::MODULE), AddonPage::get(self::MODULE, ['action' => 'publishers']), $this->save([$product])] as $html) {
            self::assertStringNotContainsString('<script>alert', $html);
            self::assertStringNotContainsString('<img src=x', $html);
        }
        self::assertStringContainsString('&lt;script&gt;alert(&quot;x&quot;)', AddonPage::get(self::MODULE, ['action' => 'publishers']));
    }

    public function testASyncUnderTenPercentFaultsConvergesWithinTwoRunsWithoutDuplicates(): void
    {
        $product = $this->product('Faulty', 'faulty');
        $n = 40;
        for ($i = 0; $i < $n; $i++) {
            $this->activeService($product, ['username' => sprintf('fault%03d', $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        $this->sandbox->configure(['fault_rate' => 0.1, 'seed' => 7]);

        Actions::runDailyCron();
        Actions::runDailyCron();

        $this->sandbox->calm();
        $mine = array_filter($this->aflexi()->listPublishers(), static fn (array $p): bool => str_starts_with($p['username'], 'fault'));
        $names = array_map(static fn (array $p): string => strtolower(explode('/', $p['username'])[0]), $mine);
        self::assertCount($n, $names);
        self::assertCount($n, array_unique($names), 'no duplicate publisher');
        foreach ($mine as $p) {
            self::assertSame('ACTIVE', strtoupper($p['status']));
        }
        self::assertSame($n, Capsule::table(Schema::PUBLISHERS)->where('status', 'ACTIVE')->whereNotNull('publisher_id')->count());
    }

    public function testARunOf300ServicesCompletesOverSeveralStepsAndResumesAfterTheTabIsClosed(): void
    {
        $product = $this->product('Bulk', 'bulk');
        for ($i = 0; $i < 300; $i++) {
            $this->activeService($product, ['username' => sprintf('bulk%03d', $i)]);
        }
        Addon::configure(self::MODULE, ['step_seconds' => '1', 'concurrency' => '2']);
        $this->sandbox->configure(['latency_ms' => 15]);
        $this->save([$product]);

        $first = AddonPage::post(self::MODULE, [], ['action' => 'apply']);
        $runId = $this->pendingRun($first);
        self::assertNotNull($runId, 'one step is not enough');
        self::assertStringContainsString('class="progress"', $first);
        self::assertStringContainsString('.submit()', $first, 'the page moves to the next step by itself');
        $afterFirst = (int) Capsule::table(Schema::RUNS)->where('id', $runId)->value('finished');
        self::assertGreaterThan(0, $afterFirst);
        self::assertLessThan(300, $afterFirst);

        // The tab is closed; later the admin opens the addon page: the run is offered for resumption.
        self::assertStringContainsString('action=step&amp;run=' . $runId, AddonPage::get(self::MODULE));
        $html = AddonPage::get(self::MODULE, ['action' => 'step', 'run' => (string) $runId]);
        self::assertSame($afterFirst, (int) Capsule::table(Schema::RUNS)->where('id', $runId)->value('finished'), 'showing the run does no work');
        $steps = 1;
        while (($next = $this->pendingRun($html)) !== null) {
            self::assertSame($runId, $next);
            self::assertLessThan(100, ++$steps);
            $html = AddonPage::post(self::MODULE, [], ['action' => 'step', 'run' => (string) $runId]);
        }

        $run = Capsule::table(Schema::RUNS)->where('id', $runId)->first();
        self::assertSame('done', $run->status);
        self::assertGreaterThanOrEqual(3, (int) $run->steps);
        self::assertSame(300, (int) $run->finished);
        self::assertStringContainsString('aflexi-count-create">300<', $html);
        $this->sandbox->calm();
        $mine = array_filter($this->aflexi()->listPublishers(), static fn (array $p): bool => str_starts_with($p['username'], 'bulk'));
        self::assertCount(300, $mine);
        self::assertCount(300, array_unique(array_map(static fn (array $p): string => strtolower($p['username']), $mine)));
    }

    public function testCronReconcileRepairsDriftMadeByDirectDatabaseStatusChanges(): void
    {
        $product = $this->product();
        $a = $this->activeService($product, ['username' => 'drift1']);
        $b = $this->activeService($product, ['username' => 'drift2']);
        $this->saveAndApply([$product]);

        Capsule::table('tblhosting')->where('id', $a)->update(['domainstatus' => 'Suspended']);   // no hook fires
        Actions::setServiceStatus($b, 'Terminated');                                               // ServiceEdit only
        self::assertSame('ACTIVE', strtoupper($this->publisher('drift1')['status']));

        Actions::runDailyCron();

        self::assertSame('SUSPENDED', strtoupper($this->publisher('drift1')['status']));
        self::assertSame('SUSPENDED', strtoupper($this->publisher('drift2')['status']));

        Capsule::table('tblhosting')->where('id', $a)->update(['domainstatus' => 'Active']);
        $this->aflexi()->suspend((int) $this->record($b)->publisher_id); // already suspended: no change
        Actions::runDailyCron();
        self::assertSame('ACTIVE', strtoupper($this->publisher('drift1')['status']));
        self::assertSame('SUSPENDED', strtoupper($this->publisher('drift2')['status']));
    }

    public function testCronReconcileFollowsAnInvoiceCancelledThroughTheApiWithoutAHook(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'apicancel']);
        $invoice = Fixtures::invoiceForService($service);
        $this->saveAndApply([$product]);
        $this->pay($invoice);

        localAPI('UpdateInvoice', ['invoiceid' => $invoice, 'status' => 'Cancelled']); // CORE-14322: no InvoiceCancelled
        self::assertSame('ACTIVE', strtoupper($this->publisher('apicancel')['status']));
        Actions::runDailyCron();

        self::assertSame('SUSPENDED', strtoupper($this->publisher('apicancel')['status']));
    }

    public function testApiCallsAreInTheModuleLogWithoutTheAuthKey(): void
    {
        $product = $this->product();
        $this->activeService($product);
        $this->saveAndApply([$product]);

        self::assertNotSame([], Whmcs::moduleLog());
        self::assertSame([], Whmcs::leaksOf($this->authKey));
    }

    public function testTheAddonsModuleLogEntriesAreUnderItsOwnModuleName(): void
    {
        $product = $this->product();
        $this->activeService($product);
        $this->save([$product]);
        AddonPage::post(self::MODULE, ['load' => '1'], ['action' => 'packages']);
        $this->saveAndApply([$product]);

        $modules = array_unique(array_column(Whmcs::moduleLog(), 'module'));
        self::assertSame(['aflexi_cdn'], array_values($modules));
        self::assertNotSame([], Whmcs::moduleLog('AddonSaveSettings'));
        self::assertNotSame([], Whmcs::moduleLog('AddonListPackages'));
    }

    public function testASecondSaveSettingsRightAfterTheFirstWritesNothingToAflexi(): void
    {
        $gold = $this->product('Gold', 'gold');
        $silver = $this->product('Silver');
        for ($i = 0; $i < 6; $i++) {
            $this->activeService($i % 2 === 0 ? $gold : $silver);
        }
        $this->saveAndApply([$gold, $silver]);
        $writes = $this->writeCalls();
        self::assertGreaterThan(0, $writes);

        $html = $this->saveAndApply([$gold, $silver]);

        self::assertSame($writes, $this->writeCalls(), 'the repeat wrote to Aflexi');
        $run = (int) Capsule::table(Schema::RUNS)->max('id');
        self::assertSame(6, (new \WHMCS\Module\Addon\AflexiCdn\Runs(\WHMCS\Module\Addon\AflexiCdn\Settings::load()))->report($run)['counts']['unchanged'], $html);
    }

    public function testAPendingPasswordHeldByAnEarlierRunIsTheOneThePublisherIsCreatedWith(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'heldpw']);
        Capsule::table(Schema::PUBLISHERS)->insert(['service_id' => $service, 'pending_password' => encrypt('Held-Pass-2024x')]);

        $this->saveAndApply([$product]);

        self::assertTrue($this->passwordWorks('heldpw', 'Held-Pass-2024x'));
        $record = $this->record($service);
        self::assertSame('Held-Pass-2024x', decrypt((string) $record->password));
        self::assertNull($record->pending_password);
    }

    public function testAPublisherRevivedOnAflexiGetsTheHeldPassword(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'revivepw']);
        // The publisher exists on Aflexi but its link is gone (hard delete): the plan says create,
        // and the create revives it.
        $made = $this->aflexi()->createPublisher(['username' => 'revivepw', 'email' => 'r@example.com', 'name' => 'R',
            'password' => 'Old-Pass-1234x', 'package' => 'Other']);
        $this->sandbox->configure(['hard_delete' => true]);
        $this->aflexi()->terminate($made['publisher']['id']);
        $this->sandbox->configure(['hard_delete' => false]);
        self::assertNull($this->publisher('revivepw'), 'the link is gone');
        Capsule::table(Schema::PUBLISHERS)->insert(['service_id' => $service, 'pending_password' => encrypt('Held-Pass-5678y')]);

        $this->saveAndApply([$product]);

        self::assertSame($made['publisher']['id'], $this->publisher('revivepw')['id'], 'revived, not created again');
        self::assertTrue($this->passwordWorks('revivepw', 'Held-Pass-5678y'));
        self::assertSame('Held-Pass-5678y', decrypt((string) $this->record($service)->password));
    }

    public function testAPublisherThatExistedBeforeGetsNoPasswordShown(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'theirs']);
        $this->aflexi()->createPublisher(['username' => 'theirs', 'email' => 't@example.com', 'name' => 'T',
            'password' => 'Their-Pass-1234', 'package' => 'Web Hosting Gold']);

        $this->saveAndApply([$product]);

        $record = $this->record($service);
        self::assertNotNull($record->publisher_id);
        self::assertNull($record->password, 'its password is not ours to show');
        self::assertNull($record->pending_password);
        self::assertTrue($this->passwordWorks('theirs', 'Their-Pass-1234'), 'left alone');
    }

    public function testTheReportCountsEachKindOfChangeAndGivesTheReasonOfAFailure(): void
    {
        $gold = $this->product('Gold', 'gold');
        $moved = $this->activeService($gold, ['username' => 'moved1']);
        $revived = $this->activeService($gold, ['username' => 'revived1']);
        $this->activeService($gold, ['username' => 'other1']);
        $this->saveAndApply([$gold]);
        $this->aflexi()->suspend((int) $this->record($revived)->publisher_id);
        Capsule::table('tblproducts')->where('id', $gold)->update(['configoption1' => 'platinum']);
        $this->activeService($gold, ['username' => 'new1']);
        $broken = $this->activeService($gold, ['username' => '']);
        Capsule::table('tblclients')->where('id', Capsule::table('tblhosting')->where('id', $broken)->value('userid'))->update(['email' => '']);

        $html = $this->saveAndApply([$gold]);

        self::assertStringContainsString('aflexi-count-create">1<', $html);
        self::assertStringContainsString('aflexi-count-reactivate">1<', $html);
        self::assertStringContainsString('aflexi-count-change_package">3<', $html);
        self::assertStringContainsString('aflexi-count-failed">1<', $html);
        $owner = (int) Capsule::table('tblhosting')->where('id', $broken)->value('userid');
        self::assertStringContainsString('clientsservices.php?userid=' . $owner . '&amp;id=' . $broken . '">#' . $broken . '</a>', $html);
        self::assertMatchesRegularExpression('/e-mail|email/i', (string) $this->record($broken)?->last_error . $html);
        self::assertSame('platinum', $this->publisher('moved1')['package']['name']);
        self::assertNotNull($this->publisher('new1'));
        self::assertSame('ACTIVE', strtoupper($this->publisher('revived1')['status']));
        self::assertNotNull($moved);
    }

    public function testThePackageListPageShowsTheOperatorsPackagesEscaped(): void
    {
        $product = $this->product('Pkg <b>Bold</b>');
        $this->activeService($product);
        $this->saveAndApply([$product]);

        $html = AddonPage::post(self::MODULE, ['load' => '1'], ['action' => 'packages']);

        self::assertStringContainsString('Pkg &lt;b&gt;Bold&lt;/b&gt;', $html);
        self::assertStringNotContainsString('<b>Bold</b>', $html);
    }

    public function testARunReadsOnlyTheClientsAfterItsCursor(): void
    {
        $product = $this->product();
        $services = [];
        for ($i = 0; $i < 3; $i++) {
            $services[] = $this->activeService($product);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        $second = (int) Capsule::table('tblhosting')->where('id', $services[1])->value('userid');

        $sets = iterator_to_array((new \WHMCS\Module\Addon\AflexiCdn\Desired())->all($second), false);

        self::assertSame([(string) $services[2]], array_column($sets[0]->entries, 'key'));
        self::assertSame((int) Capsule::table('tblhosting')->where('id', $services[2])->value('userid'), $sets[0]->lastClient);
        self::assertNull(end($sets)->lastClient, 'the orphans come last');
    }

    public function testTheExplicitEndpointSettingsWorkWithoutAServerRecord(): void
    {
        Addon::configure(self::MODULE, ['server' => 'explicit', 'endpoint' => $this->sandbox->coreUrl(), 'login' => $this->operatorLogin, 'authkey' => $this->authKey]);
        Capsule::table('tblservers')->delete();
        $product = $this->product();
        $this->activeService($product, ['username' => 'explicit1']);

        $this->saveAndApply([$product]);

        self::assertNotNull($this->publisher('explicit1'));
    }

    public function testActivateCreatesInnodbTablesTheWelcomeTemplateAndTheFreeAddon(): void
    {
        foreach (Schema::ALL as $table) {
            self::assertTrue(Capsule::schema()->hasTable($table), $table);
            $engine = Capsule::select('SELECT ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [$table])[0]->ENGINE ?? null;
            self::assertSame('InnoDB', $engine);
        }
        self::assertTrue(Capsule::table('tblemailtemplates')->where('name', 'Aflexi CDN Welcome Mail')->exists());
        self::assertSame(1, Capsule::table('tbladdons')->where('name', 'Aflexi CDN')->count());
        aflexi_cdn_activate();
        self::assertSame(1, Capsule::table('tbladdons')->where('name', 'Aflexi CDN')->count(), 'activating again adds nothing');
    }

    public function testDeactivateKeepsTheSynchronizedDataUnlessAskedToDropIt(): void
    {
        $product = $this->product();
        $service = $this->activeService($product);
        $this->saveAndApply([$product]);

        $kept = aflexi_cdn_deactivate();
        self::assertSame('success', $kept['status']);
        self::assertStringContainsString('kept', $kept['description']);
        self::assertNotNull($this->record($service));

        Addon::configure(self::MODULE, ['drop_on_deactivate' => 'on']);
        $dropped = aflexi_cdn_deactivate();
        self::assertStringContainsString('deleted', $dropped['description']);
        self::assertFalse(Capsule::schema()->hasTable(Schema::PUBLISHERS));
    }

    public function testUpgradeFromAnOlderVersionBringsTheTables(): void
    {
        \WHMCS\Module\Addon\AflexiCdn\Schema::drop();
        aflexi_cdn_upgrade(['version' => '0.9.0']);
        self::assertTrue(Capsule::schema()->hasTable(Schema::RUNS));
    }

    public function testConfigOffersTheAflexiServersAndDefaultsToTheFirstActiveOne(): void
    {
        $config = aflexi_cdn_config();
        self::assertSame('Aflexi CDN', $config['name']);
        self::assertArrayHasKey((string) $this->serverId, $config['fields']['server']['Options']);
        self::assertSame((string) $this->serverId, $config['fields']['server']['Default']);
        self::assertStringContainsString('Show Synchronized Publishers', AddonPage::sidebar(self::MODULE));
    }
}
