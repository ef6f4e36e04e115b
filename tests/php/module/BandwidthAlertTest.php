<?php
/**
 * Bandwidth alerts (lib/BandwidthAlerts.php, hooks.php DailyCronJob): "Aflexi CDN Bandwidth
 * Alert" to the client once per service, month and threshold reached ("Bandwidth alert
 * thresholds", configoption3, default 80,100), through WHMCS's SendEmail, each send in the
 * activity log with the client id; re-runs never send twice, a failed send is tried again on
 * the next run, a new month alerts again. The daily cron is the stand-in's (Actions::runDailyCron:
 * UsageUpdate per server, then DailyCronJob, then AfterCronJob).
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\BandwidthAlerts;
use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\Schema;
use WhmcsHarness\Actions;
use WhmcsHarness\Api\UtilityApi;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Whmcs;

final class BandwidthAlertTest extends ModuleTestCase
{
    /** @testdox Each threshold reached is e-mailed once across repeated daily cron runs; a service under its thresholds gets nothing */
    #[\PHPUnit\Framework\Attributes\TestDox('Each threshold reached is e-mailed once across repeated daily cron runs; a service under its thresholds gets nothing')]
    public function testEachThresholdIsSentOnceAcrossRepeatedCronRuns(): void
    {
        $product = $this->alertProduct('');
        $at80 = $this->usage($product, 850, 1000);
        $over = $this->usage($product, 1200, 1000);
        $under = $this->usage($product, 799, 1000);
        $unlimited = $this->usage($product, 999999, 0);

        Actions::runDailyCron();
        Actions::runDailyCron();
        Actions::runDailyCron();

        $sent = array_map(static fn (array $e): array => [$e['relid'], $e['mergefields']['aflexi_threshold']], Whmcs::emails(BandwidthAlerts::TEMPLATE));
        self::assertSame([[$at80, '80'], [$over, '80'], [$over, '100']], $sent);
        $mail = Whmcs::emails(BandwidthAlerts::TEMPLATE)[0];
        self::assertSame('Bandwidth alert: 80% of your CDN bandwidth used', $mail['subject']);
        self::assertStringContainsString('has used 850 MB of its 1,000 MB monthly bandwidth in ' . date('Y-m') . ' (85%)', $mail['message']);
        $client = (int) Capsule::table('tblhosting')->where('id', $at80)->value('userid');
        self::assertSame(1, Capsule::table('tblactivitylog')->where('userid', $client)
            ->where('description', 'like', "Aflexi CDN: 80% bandwidth alert sent for service #$at80 (850 MB of 1,000 MB in " . date('Y-m') . ')')->count());
        self::assertSame(3, Capsule::table(Schema::ALERTS_SENT)->where('state', BandwidthAlerts::SENT)->count());
        foreach ([$under, $unlimited] as $quiet) {
            self::assertSame([], array_filter(Whmcs::emails(BandwidthAlerts::TEMPLATE), static fn (array $e): bool => $e['relid'] === $quiet));
        }
    }

    /** @testdox A new month alerts again; last month's figure never alerts for the new month */
    #[\PHPUnit\Framework\Attributes\TestDox('A new month alerts again; last month\'s figure never alerts for the new month')]
    public function testANewMonthSendsAgain(): void
    {
        $product = $this->alertProduct('90');
        $service = $this->usage($product, 950, 1000, '2026-11-20 03:00:00');

        $this->runAt('2026-11-20 04:00:00');
        $this->runAt('2026-12-01 00:10:00'); // before UsageUpdate wrote December: nothing
        Capsule::table('tblhosting')->where('id', $service)->update(['lastupdate' => '2026-12-01 00:20:00']);
        $this->runAt('2026-12-01 00:30:00');
        $this->runAt('2026-12-02 00:30:00');

        self::assertSame(['2026-11', '2026-12'], Capsule::table(Schema::ALERTS_SENT)->where('service_id', $service)->orderBy('period')->pluck('period')->all());
        self::assertCount(2, Whmcs::emails(BandwidthAlerts::TEMPLATE));
    }

    /** @testdox An e-mail that fails is tried again on the next run and never sent twice */
    #[\PHPUnit\Framework\Attributes\TestDox('An e-mail that fails is tried again on the next run and never sent twice')]
    public function testAFailedEmailIsRetriedAndNeverDoubleSent(): void
    {
        $service = $this->usage($this->alertProduct('50'), 600, 1000);
        $smtpDown = true;
        Whmcs::fakeApi('SendEmail', static function (array $values) use (&$smtpDown): array {
            return $smtpDown ? ['result' => 'error', 'message' => 'Sending Failed. Please see documentation.'] : UtilityApi::sendEmail($values);
        });

        Actions::runDailyCron();
        self::assertSame([], Whmcs::emails(BandwidthAlerts::TEMPLATE));
        self::assertSame(0, Capsule::table(Schema::ALERTS_SENT)->count(), 'the claim was released');
        self::assertStringContainsString("the 50% bandwidth alert of service #$service could not be sent (Sending Failed. Please see documentation.); the next daily cron tries again", implode("\n", Whmcs::activityLog()));

        $smtpDown = false;
        Actions::runDailyCron();
        Actions::runDailyCron();

        self::assertCount(1, Whmcs::emails(BandwidthAlerts::TEMPLATE));
        self::assertCount(2, Whmcs::apiCalls('SendEmail'), 'failed once, sent once, then not asked again');
    }

    /** @testdox An alert claimed by a run that stopped before sending is not sent again, and the next runs say so */
    #[\PHPUnit\Framework\Attributes\TestDox('An alert claimed by a run that stopped before sending is not sent again, and the next runs say so')]
    public function testAClaimWithoutAnAnswerIsNotSentAgain(): void
    {
        $service = $this->usage($this->alertProduct(''), 900, 1000);
        Schema::ensure();
        Capsule::table(Schema::ALERTS_SENT)->insert(['service_id' => $service, 'period' => date('Y-m'), 'threshold' => 80,
            'state' => BandwidthAlerts::CLAIMING, 'claimed_at' => date('Y-m-d H:i:s', time() - 7200)]);

        Actions::runDailyCron();

        self::assertSame([], Whmcs::emails(BandwidthAlerts::TEMPLATE));
        self::assertStringContainsString("the bandwidth alert of service(s) #$service was claimed but its sending never finished", implode("\n", Whmcs::activityLog()));
    }

    /** @testdox Thresholds that are not percentages send nothing for that product and say why */
    #[\PHPUnit\Framework\Attributes\TestDox('Thresholds that are not percentages send nothing for that product and say why')]
    public function testInvalidThresholdsSendNothingAndSayWhy(): void
    {
        $product = $this->alertProduct('80,lots');
        $this->usage($product, 5000, 1000);

        Actions::runDailyCron();

        self::assertSame([], Whmcs::emails(BandwidthAlerts::TEMPLATE));
        self::assertStringContainsString("the bandwidth alert thresholds of product #$product are not valid", implode("\n", Whmcs::activityLog()));
        self::assertStringContainsString('"lots"', implode("\n", Whmcs::activityLog()));
    }

    private function alertProduct(string $thresholds): int
    {
        return Fixtures::product(['name' => 'CDN Alert', 'servertype' => 'aflexi', 'configoptions' => ['gold', '', $thresholds]]);
    }

    /** An Active service (no CDN account: UsageUpdate leaves its figures alone) with this month's figures. */
    private function usage(int $product, int $usedMb, int $limitMb, ?string $lastUpdate = null): int
    {
        return $this->service($product, $this->client(), [
            'domainstatus' => 'Active', 'bwusage' => $usedMb, 'bwlimit' => $limitMb, 'lastupdate' => $lastUpdate ?? date('Y-m-d H:i:s'),
        ]);
    }

    private function runAt(string $now): void
    {
        BandwidthAlerts::run(new Context('BandwidthAlerts'), new DateTimeImmutable($now));
    }
}
