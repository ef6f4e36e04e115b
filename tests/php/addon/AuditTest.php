<?php
/**
 * The run history with each report and Retry, the addon's
 * Activity Log lines (runs, hook-driven changes, password views, never a secret), the roles
 * allowed to see a stored password, and the admin home widget.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\DashboardWidget;
use WHMCS\Module\Addon\AflexiCdn\History;
use WHMCS\Module\Addon\AflexiCdn\RunItems;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;
use WhmcsHarness\AdminHome;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Hooks;

final class AuditTest extends AddonTestCase
{
    /** Activity Log lines of the addon, oldest first: description, userid (client), user. */
    private static function activity(): array
    {
        return Capsule::table('tblactivitylog')->where('description', 'like', 'Aflexi CDN:%')->orderBy('id')
            ->get(['description', 'userid', 'user'])->map(static fn ($r): array => (array) $r)->all();
    }

    /** The lines whose description matches $pattern. */
    private static function lines(string $pattern): array
    {
        return array_values(array_filter(self::activity(), static fn (array $l): bool => preg_match($pattern, $l['description']) === 1));
    }

    /** A client whose e-mail is empty: the engine rejects its service (a failed row of kind invalid). */
    private function brokenService(int $product, string $username = ''): int
    {
        $service = $this->activeService($product, ['username' => $username]);
        Capsule::table('tblclients')->where('id', Capsule::table('tblhosting')->where('id', $service)->value('userid'))->update(['email' => '']);
        return $service;
    }

    public function testTheProductsPageSaysHowManyUnfinishedRunsItDoesNotList(): void
    {
        $now = date('Y-m-d H:i:s');
        for ($i = 0; $i < 23; $i++) {
            Capsule::table(Schema::RUNS)->insert(['status' => 'running', 'total' => 10, 'created_at' => $now, 'updated_at' => $now]);
        }
        $page = AddonPage::get(self::MODULE, []);
        self::assertSame(20, preg_match_all('~<li>#\d+ \(0/10~', $page), 'the newest 20 are listed');
        self::assertStringContainsString('and 3 older unfinished runs: see the Run History', $page);
        self::assertStringContainsString('action=runs', $page);
    }

    public function testASaveSettingsRunIsInTheHistoryWithItsReportClientNamesAndServiceLinks(): void
    {
        $product = $this->product();
        $client = Fixtures::client(['firstname' => 'Zoe', 'lastname' => 'Weber', 'email' => 'zoe@example.com']);
        $service = $this->activeService($product, ['userid' => $client, 'username' => 'zoeweb']);
        $this->saveAndApply([$product]);
        $runId = (int) Capsule::table(Schema::RUNS)->max('id');

        $runs = AddonPage::get(self::MODULE, ['action' => 'runs']);
        self::assertStringContainsString('#' . $runId, $runs);
        self::assertStringContainsString('Save Settings', $runs);
        self::assertMatchesRegularExpression('~<td>admin</td>~', $runs, 'who: the admin username');
        self::assertStringContainsString('1 created', $runs);
        self::assertStringContainsString(sprintf('The %d most recent runs are kept', History::KEEP), $runs, 'the retention rule is on the page');

        $report = AddonPage::get(self::MODULE, ['action' => 'run', 'id' => (string) $runId]);
        self::assertStringContainsString('Zoe Weber', $report);
        self::assertStringContainsString('href="clientsservices.php?userid=' . $client . '&amp;id=' . $service . '"', $report);
        self::assertMatchesRegularExpression('~<span class="aflexi-username" title="zoeweb/\d+">zoeweb</span>~', $report, 'the local part, the full form in the tooltip');
    }

    public function testAFailedRowSaysWhatToDoAndItsRetryIsANewRunThatSucceedsOnceTheDataIsFixed(): void
    {
        $product = $this->product();
        $broken = $this->brokenService($product, 'noemail1'); // a username, no e-mail: the engine's invalid_input
        $this->saveAndApply([$product]);
        $runId = (int) Capsule::table(Schema::RUNS)->max('id');
        self::assertSame('invalid_input', Capsule::table(Schema::RUN_ITEMS)->where('item_key', (string) $broken)->value('kind'));
        $report = AddonPage::get(self::MODULE, ['action' => 'run', 'id' => (string) $runId]);
        self::assertStringContainsString('correct it in WHMCS, then Retry', $report);
        self::assertStringContainsString('name="service" value="' . $broken . '"', $report);
        self::assertDoesNotMatchRegularExpression('/select |insert |SQLSTATE/i', $report);

        Capsule::table('tblclients')->where('id', Capsule::table('tblhosting')->where('id', $broken)->value('userid'))->update(['email' => 'fixed@example.com']);
        $retried = AddonPage::post(self::MODULE, ['service' => (string) $broken], ['action' => 'retry', 'run' => (string) $runId]);

        $retryRun = (int) Capsule::table(Schema::RUNS)->max('id');
        self::assertGreaterThan($runId, $retryRun);
        self::assertSame('retry', Capsule::table(Schema::RUNS)->where('id', $retryRun)->value('kind'));
        self::assertStringContainsString('data-run="' . $retryRun . '"', $retried);
        self::assertStringContainsString('aflexi-count-create">1<', $retried);
        self::assertNotNull($this->record($broken)->publisher_id);
        self::assertCount(1, self::lines('/^Aflexi CDN: retry #' . $retryRun . ' by admin: 1 created \(retry of run #' . $runId . '\)/'));
    }

    public function testEachErrorKindOfTheEngineHasAnActionTheReportShows(): void
    {
        $cases = ['invalid_input' => 'invalid', 'authentication' => 'authentication', 'internal' => 'internal',
            'timeout' => 'outage', 'connect' => 'outage', 'http_status' => 'outage', 'fault' => 'refused', 'not_found' => 'refused', '' => 'refused'];
        $lang = Addon::vars(self::MODULE)['_lang'];
        foreach ($cases as $kind => $action) {
            self::assertSame($action, RunItems::action($kind), $kind);
            self::assertArrayHasKey('action_' . $action, $lang);
        }
    }

    public function testRetryAllWithoutTheCsrfTokenIsRejectedAndRunsNothing(): void
    {
        $product = $this->product();
        $this->brokenService($product);
        $this->saveAndApply([$product]);
        $runId = (int) Capsule::table(Schema::RUNS)->max('id');
        try {
            AddonPage::post(self::MODULE, ['service' => '0'], ['action' => 'retry', 'run' => (string) $runId], false);
            self::fail('a POST without the token went through');
        } catch (\WhmcsHarness\TokenRejected) {
        }
        self::assertSame($runId, (int) Capsule::table(Schema::RUNS)->max('id'));
    }

    public function testOlderRunsThanTheKeptOnesArePrunedWithTheirItems(): void
    {
        $first = History::begin(History::CRON, 0);
        Capsule::table(Schema::RUN_ITEMS)->insert(['run_id' => $first, 'item_key' => '1', 'outcome' => 'done']);
        History::end($first);
        for ($i = 1; $i < History::KEEP; $i++) {
            History::end(History::begin(History::CRON, 0));
        }
        self::assertTrue(Capsule::table(Schema::RUNS)->where('id', $first)->exists(), 'KEEP runs are kept');

        History::begin(History::CRON, 0);

        self::assertFalse(Capsule::table(Schema::RUNS)->where('id', $first)->exists());
        self::assertSame(0, Capsule::table(Schema::RUN_ITEMS)->where('run_id', $first)->count());
        self::assertSame(History::KEEP, Capsule::table(Schema::RUNS)->count());
    }

    public function testEachSaveSettingsRunAndEachReconcileLeaveOneActivityLineWithWhoCountsAndFailures(): void
    {
        $product = $this->product();
        $this->activeService($product, ['username' => 'logged1']);
        $this->brokenService($product);
        $this->saveAndApply([$product]);
        $save = (int) Capsule::table(Schema::RUNS)->max('id');

        $lines = self::lines('/Save Settings run/');
        self::assertCount(1, $lines);
        self::assertStringStartsWith("Aflexi CDN: Save Settings run #$save by admin: 1 created, 1 failed", $lines[0]['description']);
        self::assertSame('admin', $lines[0]['user']);

        Actions::runDailyCron();
        $cron = (int) Capsule::table(Schema::RUNS)->max('id');
        self::assertSame('cron', Capsule::table(Schema::RUNS)->where('id', $cron)->value('kind'));
        $lines = self::lines('/cron reconcile/');
        self::assertCount(1, $lines);
        self::assertStringStartsWith("Aflexi CDN: cron reconcile #$cron by cron: 1 unchanged, 1 failed; 0 pending", $lines[0]['description']);
    }

    public function testEachHookDrivenChangeIsOnTheClientsActivityLogWithItsServiceId(): void
    {
        $product = $this->product();
        $client = Fixtures::client();
        $service = $this->activeService($product, ['userid' => $client, 'username' => 'hooked1']);
        $this->saveAndApply([$product]);
        $invoice = Fixtures::invoiceForService($service);
        $this->pay($invoice);

        Hooks::run('InvoiceRefunded', ['invoiceid' => $invoice]);
        Hooks::run('InvoicePaid', ['invoiceid' => $invoice]);
        Hooks::run('ClientClose', ['userid' => $client]);

        $expected = [
            "Aflexi CDN: InvoiceRefunded: publisher hooked1 (service #$service) suspended",
            "Aflexi CDN: InvoicePaid: publisher hooked1 (service #$service) unsuspended",
            "Aflexi CDN: ClientClose: publisher hooked1 (service #$service) suspended",
        ];
        $lines = self::lines('/: publisher hooked1 /');
        self::assertSame($expected, array_column($lines, 'description'));
        self::assertSame([$client, $client, $client], array_map('intval', array_column($lines, 'userid')));
    }

    public function testAFullAdministratorIsShownAPasswordAndTheViewIsAuditedWithoutTheSecret(): void
    {
        $product = $this->product();
        $client = Fixtures::client();
        $service = $this->activeService($product, ['userid' => $client, 'username' => 'shown1']);
        $this->saveAndApply([$product]);
        $password = decrypt((string) $this->record($service)->password);
        self::assertNotSame('', $password);

        $html = AddonPage::post(self::MODULE, ['show' => (string) $service], ['action' => 'publishers']);

        self::assertStringContainsString($password, $html);
        $audit = self::lines('/viewed the stored Aflexi password/');
        self::assertCount(1, $audit);
        self::assertSame("Aflexi CDN: admin admin viewed the stored Aflexi password of publisher shown1 (service #$service)", $audit[0]['description']);
        self::assertSame($client, (int) $audit[0]['userid']);
    }

    public function testAnAdminOfAnotherRoleIsRefusedOnTheServerAndNothingIsAudited(): void
    {
        $product = $this->product();
        $service = $this->activeService($product, ['username' => 'hidden1']);
        $this->saveAndApply([$product]);
        $password = decrypt((string) $this->record($service)->password);
        Addon::configure(self::MODULE, ['access' => '1,2']); // a Sales admin may open the addon
        $sales = Fixtures::admin(['roleid' => 2]);

        $html = AddonPage::post(self::MODULE, ['show' => (string) $service], ['action' => 'publishers'], true, $sales);

        self::assertStringContainsString('may not see stored passwords', $html);
        self::assertStringNotContainsString($password, $html);
        self::assertSame([], self::lines('/viewed the stored Aflexi password/'));

        Addon::configure(self::MODULE, ['password_roles' => '1, 2']);
        $html = AddonPage::post(self::MODULE, ['show' => (string) $service], ['action' => 'publishers'], true, $sales);
        self::assertStringContainsString($password, $html, 'the roles come from the setting');
        self::assertCount(1, self::lines('/viewed the stored Aflexi password/'));
    }

    public function testNoPasswordOrAuthKeyIsInAnyActivityLogLineAfterAFullRun(): void
    {
        $product = $this->product();
        $client = Fixtures::client();
        $services = [];
        foreach (['sec1', 'sec2', 'sec3'] as $name) {
            $services[] = $this->activeService($product, ['userid' => $name === 'sec1' ? $client : Fixtures::client(), 'username' => $name]);
        }
        $this->brokenService($product);
        $this->saveAndApply([$product]);
        AddonPage::post(self::MODULE, ['show' => (string) $services[0]], ['action' => 'publishers']);
        $runId = (int) Capsule::table(Schema::RUNS)->max('id');
        AddonPage::post(self::MODULE, ['service' => '0'], ['action' => 'retry', 'run' => (string) $runId]);
        $invoice = Fixtures::invoiceForService($services[1]);
        $this->pay($invoice);
        Hooks::run('InvoiceRefunded', ['invoiceid' => $invoice]);
        Actions::runDailyCron();

        $secrets = [$this->authKey];
        foreach ($services as $service) {
            $secrets[] = decrypt((string) $this->record($service)->password);
        }
        $rows = Capsule::table('tblactivitylog')->get()->map(static fn ($r): string => json_encode((array) $r))->all();
        self::assertGreaterThanOrEqual(5, count($rows), 'runs, hooks, a password view: lines to search');
        foreach ($secrets as $secret) {
            self::assertGreaterThan(8, strlen($secret));
            foreach ($rows as $row) {
                self::assertStringNotContainsString($secret, $row);
            }
        }
    }

    public function testTheDashboardWidgetShowsPublishersByStatusAndTheLastRunWithoutAnApiCallAndIsCached(): void
    {
        $product = $this->product();
        $this->activeService($product, ['username' => 'wid1']);
        $suspended = $this->activeService($product, ['username' => 'wid2']);
        $this->brokenService($product);
        $this->saveAndApply([$product]);
        Hooks::run('InvoiceRefunded', ['invoiceid' => Fixtures::invoiceForService($suspended)]);
        $runId = (int) Capsule::table(Schema::RUNS)->max('id');
        $calls = $this->sandbox->totalCalls();

        $html = AdminHome::widgets()['DashboardWidget'] ?? self::fail('no widget from the AdminHomeWidgets hook');

        self::assertSame($calls, $this->sandbox->totalCalls(), 'no API call');
        self::assertStringContainsString('aflexi-status-active">1<', $html);
        self::assertStringContainsString('aflexi-status-suspended">1<', $html);
        self::assertStringContainsString('action=run&amp;id=' . $runId, $html);
        self::assertStringContainsString('1 failed', $html);
        self::assertStringContainsString('href="addonmodules.php?module=aflexi_cdn"', $html);

        Capsule::table(Schema::PUBLISHERS)->update(['status' => 'ACTIVE']);
        self::assertSame($html, AdminHome::widgets()['DashboardWidget'], 'the counts are reused for ' . DashboardWidget::CACHE_SECONDS . ' s');
        self::assertStringContainsString('aflexi-status-active">2<', (new DashboardWidget())->render(true));
    }
}
