<?php
/**
 * aflexi_UsageUpdate (daily cron, once per server): this month's bandwidth of every Active
 * and Suspended Aflexi service of the server, written to tblhosting (bwusage and bwlimit in
 * MB, lastupdate) with a constant number of API calls.
 *
 * The expected figures come from the sandbox itself (GET /_sandbox/usage: the month total of
 * its seeded stats.getSummaries data, HTTP + RTMP), so a wrong month, a lost RTMP half or a
 * figure given to the wrong service all fail.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiModuleTests\Support\RawXmlRpc;
use AflexiModuleTests\Support\Smarty;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\PublisherRecords;
use WHMCS\Module\Server\Aflexi\Schema;
use WHMCS\Module\Server\Aflexi\ServiceView;
use WHMCS\Module\Server\Aflexi\UsageUpdate;
use WhmcsHarness\Actions;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Params;

final class UsageUpdateTest extends ModuleTestCase
{
    private const NEVER = '0000-00-00 00:00:00';

    /** @testdox Each service gets this month's exact usage (HTTP + RTMP) and its package's limit in MB; the real month is asked */
    #[\PHPUnit\Framework\Attributes\TestDox('Each service gets this month\'s exact usage (HTTP + RTMP) and its package\'s limit in MB; the real month is asked')]
    public function testWritesThisMonthsUsageAndLimit(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $free = $this->product('CDN Free', 'free-tier');
        $a = $this->createdService($gold, 'a@example.com');
        $b = $this->createdService($gold, 'b@example.com');
        $c = $this->createdService($free, 'c@example.com');
        $this->setPackageLimitGb('gold', 100);
        $before = date('Y-m-d H:i:s');

        $result = aflexi_UsageUpdate(Params::forServer($this->serverId));

        self::assertSame('success', $result);
        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), [$a, $b, $c]);
        foreach ([$a, $b, $c] as $service) {
            self::assertSame($expected[$service], (int) $this->hosting($service)->bwusage, "bwusage of #$service");
            self::assertGreaterThan(0, $expected[$service], 'the sandbox has traffic for every day since 2010');
            self::assertGreaterThanOrEqual($before, (string) $this->hosting($service)->lastupdate);
        }
        self::assertSame(100 * 1024, (int) $this->hosting($a)->bwlimit, '100 GB = 102400 MB');
        self::assertSame(100 * 1024, (int) $this->hosting($b)->bwlimit);
        self::assertSame(0, (int) $this->hosting($c)->bwlimit, 'unlimited is 0');

        // The dates sent are the first and the last day of this month (not the old plugin's 1970).
        $request = $this->moduleLogRequests('UsageUpdate');
        $first = date('Ym01');
        $last = date('Ymt');
        self::assertSame(2, substr_count($request, "\"{$first}T00:00:00\""), $request);
        self::assertSame(2, substr_count($request, "\"{$last}T23:59:59\""));
        self::assertStringNotContainsString('"1970', $request);
    }

    /** @testdox A given month is read whole (February of a leap year), and the month is WHMCS's local one at the boundary */
    #[\PHPUnit\Framework\Attributes\TestDox('A given month is read whole (February of a leap year), and the month is WHMCS\'s local one at the boundary')]
    public function testMonthOfTheRunAndItsBoundary(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->createdService($gold, 'feb@example.com');

        $summary = $this->runAt(new DateTimeImmutable('2024-02-10 12:00:00'));

        self::assertSame(['year' => 2024, 'month' => 2, 'updated' => 1, 'without_usage' => 0, 'skipped' => []], $summary);
        self::assertSame($this->expectedMb(2024, 2, [$service])[$service], (int) $this->hosting($service)->bwusage);
        self::assertStringContainsString('"20240229T23:59:59"', $this->moduleLogRequests('UsageUpdate'));

        // 00:30 on 1 December in Auckland is still 30 November in UTC: WHMCS's local month counts.
        $auckland = new DateTimeZone('Pacific/Auckland');
        self::assertSame([2026, 12], UsageUpdate::month(new DateTimeImmutable('2026-12-01 00:30:00', $auckland)));
        self::assertSame('2026-11', (new DateTimeImmutable('2026-12-01 00:30:00', $auckland))->setTimezone(new DateTimeZone('UTC'))->format('Y-m'));
        self::assertSame([2026, 11], UsageUpdate::month(new DateTimeImmutable('2026-11-30 23:59:59', $auckland)));
        self::assertSame([2027, 1], UsageUpdate::month(new DateTimeImmutable('2027-01-01 00:00:00')));
    }

    /** @testdox A publisher Aflexi reports no traffic for gets 0; services without a linked publisher are skipped and logged */
    #[\PHPUnit\Framework\Attributes\TestDox('A publisher Aflexi reports no traffic for gets 0; services without a linked publisher are skipped and logged')]
    public function testNoUsageIsZeroAndUnlinkedServicesAreSkipped(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $linked = $this->createdService($gold, 'linked@example.com');
        // A publisher of another operator: this operator's stats never mention it.
        $stranger = $this->otherOperator()->createPublisher(['username' => 'stranger' . bin2hex(random_bytes(3)), 'email' => 's@example.com', 'name' => 'S', 'password' => 'Abcdefgh1234', 'package' => 'x']);
        $quiet = $this->serviceWithRecord($gold, (int) $stranger['publisher']['id'], ['bwusage' => 777]);
        $neverCreated = $this->service($gold, $this->client(), ['domainstatus' => 'Active', 'bwusage' => 555, 'bwlimit' => 5]);
        $notFound = $this->serviceWithRecord($gold, 999999, ['bwusage' => 444], PublisherRecords::NOT_FOUND);
        $pending = $this->serviceWithRecord($gold, null, ['bwusage' => 333], PublisherRecords::PENDING);

        self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId)));

        self::assertSame($this->expectedMb((int) date('Y'), (int) date('n'), [$linked])[$linked], (int) $this->hosting($linked)->bwusage);
        self::assertSame(0, (int) $this->hosting($quiet)->bwusage, 'no usage reported: 0');
        self::assertNotSame(self::NEVER, (string) $this->hosting($quiet)->lastupdate);
        foreach ([$neverCreated => 555, $notFound => 444, $pending => 333] as $service => $kept) {
            self::assertSame($kept, (int) $this->hosting($service)->bwusage, "#$service is left alone");
            self::assertSame(self::NEVER, (string) $this->hosting($service)->lastupdate);
        }
        self::assertSame(5, (int) $this->hosting($neverCreated)->bwlimit);

        $outcome = $this->moduleLogOutcome('UsageUpdate');
        self::assertSame([$neverCreated, $notFound, $pending], $outcome['skipped_no_publisher']);
        self::assertSame(2, $outcome['updated']);
        self::assertSame(1, $outcome['without_usage']);
        $activity = (string) Capsule::table('tblactivitylog')->orderByDesc('id')->value('description');
        self::assertStringContainsString("bandwidth usage of 3 service(s) on server #{$this->serverId} not updated", $activity);
        self::assertStringContainsString("#$neverCreated, #$notFound, #$pending", $activity);
        $this->assertNoSecretLogged($this->authKey);
    }

    /** @testdox A package limit beyond tblhosting.bwlimit (>= 2,097,152 GB) is written as unlimited and named; the other services are written */
    #[\PHPUnit\Framework\Attributes\TestDox('A package limit beyond tblhosting.bwlimit (>= 2,097,152 GB) is written as unlimited and named; the other services are written')]
    public function testALimitBeyondTheColumnIsUnlimited(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $huge = $this->product('CDN Huge', 'huge');
        $a = $this->createdService($gold, 'bound-a@example.com');
        $h = $this->createdService($huge, 'bound-h@example.com');
        $this->setPackageLimitGb('gold', 100);
        $this->setPackageLimitGb('huge', 3000000);

        self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId)));

        self::assertSame(100 * 1024, (int) $this->hosting($a)->bwlimit);
        self::assertSame(0, (int) $this->hosting($h)->bwlimit, '3,000,000 GB does not fit int(11) MB: unlimited');
        self::assertGreaterThan(0, (int) $this->hosting($h)->bwusage);
        self::assertSame(['huge'], $this->moduleLogOutcome('UsageUpdate')['packages_beyond_bwlimit_unlimited']);
    }

    /** @testdox A service whose row cannot be written fails alone: the others are written, the return value names it, no SQL anywhere */
    #[\PHPUnit\Framework\Attributes\TestDox('A service whose row cannot be written fails alone: the others are written, the return value names it, no SQL anywhere')]
    public function testOneRowThatCannotBeWrittenFailsOnlyItself(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $a = $this->createdService($gold, 'row-a@example.com');
        $bad = $this->createdService($gold, 'row-bad@example.com');
        $c = $this->createdService($gold, 'row-c@example.com');
        // The database refuses any update of that one row (as a full disk, a lock or a
        // constraint of the operator's own would).
        Capsule::connection()->unprepared("CREATE TRIGGER aflexi_test_refuse BEFORE UPDATE ON tblhosting FOR EACH ROW BEGIN IF NEW.id = $bad THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'row refused by the test'; END IF; END");
        try {
            $result = aflexi_UsageUpdate(Params::forServer($this->serverId));
        } finally {
            Capsule::connection()->unprepared('DROP TRIGGER IF EXISTS aflexi_test_refuse');
        }

        self::assertNotSame('success', $result);
        self::assertStringContainsString("1 service(s) on server #{$this->serverId} could not be read or written (the other 2 were written): services #$bad", $result);
        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), [$a, $c]);
        self::assertSame($expected[$a], (int) $this->hosting($a)->bwusage);
        self::assertSame($expected[$c], (int) $this->hosting($c)->bwusage);
        self::assertSame(self::NEVER, (string) $this->hosting($bad)->lastupdate);
        $logs = $this->storedLogText() . $result;
        self::assertStringContainsString('row refused by the test', $logs, 'the reason is in the module log');
        foreach (['(SQL:', 'update `tblhosting`', 'CASE id'] as $sql) {
            self::assertStringNotContainsStringIgnoringCase($sql, $logs);
        }
    }

    /** @testdox The concurrent read (aflexi.concurrency 16) writes exactly the figures of the sequential path (concurrency 1), for 450 services in 3 queries */
    #[\PHPUnit\Framework\Attributes\TestDox('The concurrent read (aflexi.concurrency 16) writes exactly the figures of the sequential path (concurrency 1), for 450 services in 3 queries')]
    public function testConcurrentReadWritesTheSameFiguresAsTheSequentialPath(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $services = $this->seededServices($gold, 450, 'par');
        $written = fn (): array => Capsule::table('tblhosting')->whereIn('id', $services)->orderBy('id')->pluck('bwusage', 'id')->map(static fn ($v): int => (int) $v)->all();

        ini_set('aflexi.concurrency', '1');
        self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId)));
        $sequential = $written();
        Capsule::table('tblhosting')->whereIn('id', $services)->update(['bwusage' => 0, 'lastupdate' => self::NEVER]);
        ini_set('aflexi.concurrency', '16');
        self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId)));

        self::assertSame($sequential, $written());
        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), $services);
        ksort($expected);
        self::assertSame($expected, $sequential);
        self::assertSame(0, Capsule::table('tblhosting')->whereIn('id', $services)->where('lastupdate', self::NEVER)->count());
    }

    /** @testdox A usage query Aflexi refuses fails only its own 200 services (named, with the error kind in the module log); the other queries' services are written */
    #[\PHPUnit\Framework\Attributes\TestDox('A usage query Aflexi refuses fails only its own 200 services (named, with the error kind in the module log); the other queries\' services are written')]
    public function testAFailedUsageQueryFailsOnlyItsServices(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $services = $this->seededServices($gold, 600, 'iso');
        Capsule::table('tblhosting')->whereIn('id', $services)->update(['bwusage' => 42]);
        // Publishers are asked 200 a query in id order: the second query names this one.
        $refused = (int) $this->record($services[250])->publisher_id;
        $this->sandbox->configure(['refused_publishers' => [$refused]]);
        try {
            $result = aflexi_UsageUpdate(Params::forServer($this->serverId));
        } finally {
            $this->sandbox->configure(['refused_publishers' => []]);
        }

        $failed = array_slice($services, 200, 200);
        $written = array_merge(array_slice($services, 0, 200), array_slice($services, 400));
        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), $written);
        foreach ($written as $service) {
            self::assertSame($expected[$service], (int) $this->hosting($service)->bwusage, "service #$service");
        }
        foreach ($failed as $service) {
            self::assertSame(42, (int) $this->hosting($service)->bwusage, "service #$service keeps its last figure");
            self::assertSame(self::NEVER, (string) $this->hosting($service)->lastupdate);
        }
        self::assertStringContainsString(sprintf('bandwidth usage of 200 service(s) on server #%d could not be read or written (the other 400 were written): services #%d, #', $this->serverId, $failed[0]), $result);
        $outcome = $this->moduleLogOutcome('UsageUpdate');
        self::assertSame(['fault' => 200], $outcome['not_read_by_kind'] ?? null, json_encode($outcome));
        self::assertStringContainsString("publisher $refused are refused", json_encode($outcome['not_read'] ?? []));
    }

    /** @testdox Only Active and Suspended Aflexi services of this server are written; other servers, statuses and modules are untouched */
    #[\PHPUnit\Framework\Attributes\TestDox('Only Active and Suspended Aflexi services of this server are written; other servers, statuses and modules are untouched')]
    public function testOnlyThisServersLiveServicesAreWritten(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $active = $this->createdService($gold, 'active@example.com');
        $suspended = $this->createdService($gold, 'suspended@example.com');
        $this->assertActionSucceeds('Suspend', $suspended);
        $terminated = $this->createdService($gold, 'terminated@example.com');
        $this->assertActionSucceeds('Terminate', $terminated);
        $cancelled = $this->createdService($gold, 'cancelled@example.com');
        Capsule::table('tblhosting')->where('id', $cancelled)->update(['domainstatus' => 'Cancelled']);
        $publisher = (int) $this->record($active)->publisher_id;
        $otherServer = Fixtures::server(['hostname' => $this->sandbox->hostPort(), 'secure' => '', 'username' => $this->operatorLogin, 'password' => $this->authKey]);
        $elsewhere = $this->serviceWithRecord($gold, $publisher, ['server' => $otherServer, 'bwusage' => 11]);
        $cpanel = Fixtures::product(['name' => 'Hosting', 'servertype' => 'cpanel']);
        $otherModule = $this->serviceWithRecord($cpanel, $publisher, ['bwusage' => 12]);
        foreach ([$terminated, $cancelled] as $service) {
            Capsule::table('tblhosting')->where('id', $service)->update(['bwusage' => 13]);
        }

        self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId)));

        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), [$active, $suspended]);
        self::assertSame($expected[$active], (int) $this->hosting($active)->bwusage);
        self::assertSame($expected[$suspended], (int) $this->hosting($suspended)->bwusage);
        self::assertSame(11, (int) $this->hosting($elsewhere)->bwusage);
        self::assertSame(12, (int) $this->hosting($otherModule)->bwusage);
        self::assertSame(13, (int) $this->hosting($terminated)->bwusage);
        self::assertSame(13, (int) $this->hosting($cancelled)->bwusage);
        foreach ([$elsewhere, $otherModule, $terminated, $cancelled] as $service) {
            self::assertSame(self::NEVER, (string) $this->hosting($service)->lastupdate, "#$service untouched");
        }
    }

    /** @testdox With the Aflexi API down nothing is written, nothing is thrown, and the failure is logged without secrets */
    #[\PHPUnit\Framework\Attributes\TestDox('With the Aflexi API down nothing is written, nothing is thrown, and the failure is logged without secrets')]
    public function testApiDownLeavesTheFiguresAndLogs(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->createdService($gold, 'down@example.com');
        Capsule::table('tblhosting')->where('id', $service)->update(['bwusage' => 42, 'bwlimit' => 43]);
        ini_set('aflexi.operation_timeout', '5');
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['http500']]);

        $result = aflexi_UsageUpdate(Params::forServer($this->serverId));

        $this->sandbox->calm();
        self::assertStringContainsString('The bandwidth usage update failed', $result);
        self::assertSame(42, (int) $this->hosting($service)->bwusage);
        self::assertSame(43, (int) $this->hosting($service)->bwlimit);
        self::assertSame(self::NEVER, (string) $this->hosting($service)->lastupdate);
        $activity = (string) Capsule::table('tblactivitylog')->orderByDesc('id')->value('description');
        self::assertStringContainsString('The bandwidth usage update failed', $activity);
        self::assertStringContainsString("[UsageUpdate, server #{$this->serverId}]", $activity);
        self::assertStringContainsString('The bandwidth usage update failed', $this->moduleLogOutcomeText('UsageUpdate'));
        $this->assertNoSecretLogged($this->authKey);

        // A server record without credentials is a message too, never an exception.
        $broken = Fixtures::server(['hostname' => '', 'ipaddress' => '', 'username' => '', 'password' => '']);
        self::assertSame('success', aflexi_UsageUpdate(Params::forServer($broken)), 'no services: nothing to read');
        $this->serviceWithRecord($gold, 5, ['server' => $broken]);
        self::assertStringContainsString('has no hostname', aflexi_UsageUpdate(Params::forServer($broken)));
        self::assertStringContainsString('without a server id', aflexi_UsageUpdate([]));
    }

    /** @testdox API calls grow with pages, not services: 2 stats calls per 200 publishers plus the package pages (4 for 25 services, 6 for 250) */
    #[\PHPUnit\Framework\Attributes\TestDox('API calls grow with pages, not services: 2 stats calls per 200 publishers plus the package pages (4 for 25 services, 6 for 250)')]
    public function testApiCallsGrowWithPagesNotServices(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $this->setPackageLimitGb('gold', 50, true);
        self::assertTrue(aflexi_TestConnection(Params::forServer($this->serverId))['success']); // remembers the operator id
        $few = $this->seededServices($gold, 25, 'few');

        $callsForFew = $this->apiCallsDuring(fn () => self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId))));
        $many = $this->seededServices($gold, 225, 'many');
        $before = $this->sandbox->calls();
        $callsForMany = $this->apiCallsDuring(fn () => self::assertSame('success', aflexi_UsageUpdate(Params::forServer($this->serverId))));
        $after = $this->sandbox->calls();

        // stats.getSummaries: HTTP and RTMP per 200 publishers; bandwidthPackage.get: one page and the empty one after it.
        self::assertSame(2 + 2, $callsForFew);
        self::assertSame(2 * 2 + 2, $callsForMany);
        self::assertSame(4, ($after['stats.getSummaries'] ?? 0) - ($before['stats.getSummaries'] ?? 0));
        self::assertSame(2, ($after['bandwidthPackage.get'] ?? 0) - ($before['bandwidthPackage.get'] ?? 0));
        $all = array_merge($few, $many);
        self::assertCount(250, $all);
        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), $all);
        $written = Capsule::table('tblhosting')->whereIn('id', $all)->pluck('bwusage', 'id')->map(static fn ($v): int => (int) $v)->all();
        ksort($written);
        ksort($expected);
        self::assertSame($expected, $written);
        self::assertSame([50 * 1024], Capsule::table('tblhosting')->whereIn('id', $all)->distinct()->pluck('bwlimit')->map(static fn ($v): int => (int) $v)->all());
    }

    /** @testdox Aflexi\Client::bandwidthUsageOf refuses ids that are not positive whole numbers, and an empty list costs no call */
    #[\PHPUnit\Framework\Attributes\TestDox('Aflexi\\Client::bandwidthUsageOf refuses ids that are not positive whole numbers, and an empty list costs no call')]
    public function testBandwidthUsageOfRefusesBadIds(): void
    {
        foreach ([[0], [-3], ['x'], [1.5], [[1]], [null]] as $bad) {
            try {
                $this->aflexi()->bandwidthUsageOf(2026, 1, $bad);
                self::fail('accepted ' . json_encode($bad));
            } catch (\Aflexi\InvalidInputException $e) {
                self::assertStringContainsString('$publishers[0]', $e->getMessage());
            }
        }
        self::assertSame(0, $this->apiCallsDuring(fn () => self::assertSame([], $this->aflexi()->bandwidthUsageOf(2026, 1, []))));
    }

    /** @testdox The daily cron runs it for every Aflexi server */
    #[\PHPUnit\Framework\Attributes\TestDox('The daily cron runs it for every Aflexi server')]
    public function testTheDailyCronRunsIt(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->createdService($gold, 'cron@example.com');
        $otherOperator = 'op-cron-' . bin2hex(random_bytes(3));
        $otherKey = 'AK' . bin2hex(random_bytes(10));
        $this->sandbox->addOperator($otherOperator, $otherKey);
        $otherServer = Fixtures::server(['hostname' => $this->sandbox->hostPort(), 'secure' => '', 'username' => $otherOperator, 'password' => $otherKey]);
        $other = $this->service($gold, $this->client(['email' => 'cron2@example.com']), ['server' => $otherServer]);
        $this->assertActionSucceeds('Create', $other);

        Actions::runDailyCron();

        $expected = $this->expectedMb((int) date('Y'), (int) date('n'), [$service, $other]);
        self::assertSame($expected[$service], (int) $this->hosting($service)->bwusage);
        self::assertSame($expected[$other], (int) $this->hosting($other)->bwusage);
        self::assertSame(2, Capsule::table('tblmodulelog')->where('action', 'UsageUpdate')->where('response', 'success')->count());
    }

    /** @testdox The client area and the admin tab show usage against the limit (or unlimited) and when it was measured, escaped */
    #[\PHPUnit\Framework\Attributes\TestDox('The client area and the admin tab show usage against the limit (or unlimited) and when it was measured, escaped')]
    public function testClientAreaShowsUsageAgainstLimit(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->createdService($gold, 'view@example.com');
        self::assertStringContainsString('Not measured yet', $this->clientAreaHtml($service));

        Capsule::table('tblhosting')->where('id', $service)->update(['bwusage' => 1536, 'bwlimit' => 102400, 'lastupdate' => '2026-11-20 03:04:05']);
        $html = $this->clientAreaHtml($service);
        self::assertStringContainsString('Bandwidth this month', $html);
        self::assertStringContainsString('1.5 GB of 100 GB', $html);
        self::assertStringContainsString('as of 2026-11-20 03:04', $html);
        self::assertSame('1.5 GB of 100 GB, as of 2026-11-20 03:04', aflexi_AdminServicesTabFields(Params::forService($service))['Aflexi bandwidth this month']);

        Capsule::table('tblhosting')->where('id', $service)->update(['bwusage' => 850, 'bwlimit' => 0]);
        self::assertStringContainsString('850 MB (unlimited)', $this->clientAreaHtml($service));
        self::assertSame('3 TB', ServiceView::megabytes(3 * 1024 * 1024));

        // Whatever reaches the template is escaped there.
        $output = aflexi_ClientArea(Params::forService($service));
        $vars = ['aflexiBandwidth' => '<img src=x onerror=alert(1)>', 'aflexiBandwidthUpdated' => '"><script>x</script>'] + $output['templateVariables'];
        $html = Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $vars);
        self::assertStringNotContainsString('<img', $html);
        self::assertStringNotContainsString('<script>', $html);
        self::assertStringContainsString('&lt;img src=x onerror=alert(1)&gt;', $html);
    }

    // ------------------------------------------------------------------ helpers

    /** An Active service of the product, created on Aflexi through the module. */
    private function createdService(int $productId, string $email): int
    {
        $service = $this->service($productId, $this->client(['email' => $email]));
        $this->assertActionSucceeds('Create', $service);
        return $service;
    }

    /** An Active service on this test's server with a record linking it to $publisherId. */
    private function serviceWithRecord(int $productId, ?int $publisherId, array $hosting = [], string $status = PublisherRecords::ACTIVE): int
    {
        $service = $this->service($productId, $this->client(), $hosting + ['domainstatus' => 'Active']);
        new PublisherRecords();
        Capsule::table(Schema::PUBLISHERS)->insert([
            'service_id' => $service, 'server_id' => (int) ($hosting['server'] ?? $this->serverId), 'client_id' => 0,
            'publisher_id' => $publisherId, 'username' => "u$service", 'package' => 'gold', 'status' => $status,
        ]);
        return $service;
    }

    /**
     * $count Active services with their publishers seeded on the sandbox in bulk (as if
     * created by the module), records included.
     *
     * @return list<int> service ids
     */
    private function seededServices(int $productId, int $count, string $prefix): array
    {
        $seeded = $this->sandbox->seedPublishers($count, $prefix . bin2hex(random_bytes(2)), 'gold', 'ACTIVE', $this->operatorLogin);
        $client = $this->client();
        $rows = [];
        for ($i = 0; $i < $count; $i++) {
            $rows[] = ['userid' => $client, 'packageid' => $productId, 'server' => $this->serverId, 'domainstatus' => 'Active',
                'regdate' => date('Y-m-d'), 'billingcycle' => 'Monthly', 'paymentmethod' => 'mailin', 'username' => "$prefix$i", 'password' => ''];
        }
        $first = (int) Capsule::table('tblhosting')->max('id') + 1;
        Capsule::table('tblhosting')->insert($rows);
        $ids = Capsule::table('tblhosting')->where('id', '>=', $first)->orderBy('id')->pluck('id')->map(static fn ($v): int => (int) $v)->all();
        self::assertCount($count, $ids);
        new PublisherRecords();
        $records = [];
        foreach ($ids as $i => $service) {
            $records[] = ['service_id' => $service, 'server_id' => $this->serverId, 'client_id' => $client,
                'publisher_id' => $seeded['first'] + $i, 'username' => "$prefix$i", 'package' => 'gold', 'status' => PublisherRecords::ACTIVE];
        }
        Capsule::table(Schema::PUBLISHERS)->insert($records);
        return $ids;
    }

    /** Sets a package's bandwidthLimit (GB) on Aflexi, creating the package when asked. */
    private function setPackageLimitGb(string $name, int $gb, bool $create = false): void
    {
        $client = $this->aflexi();
        $package = $create ? $client->ensurePackage($name) : $client->findPackage($name);
        self::assertNotNull($package, "package $name exists");
        $answer = (new RawXmlRpc($this->sandbox->coreUrl()))->call('bandwidthPackage.update', [$this->operatorLogin, $this->authKey, (int) $package['id'], ['bandwidthLimit' => $gb]]);
        self::assertFalse(RawXmlRpc::isFault($answer), $answer);
    }

    /**
     * The sandbox's month total (MB) of each service's recorded publisher.
     *
     * @param list<int> $services
     * @return array<int, int> by service id
     */
    private function expectedMb(int $year, int $month, array $services): array
    {
        $publishers = [];
        foreach ($services as $service) {
            $publishers[$service] = (int) $this->record($service)->publisher_id;
        }
        $mb = $this->sandbox->control('GET', sprintf('/_sandbox/usage?year=%d&month=%d&publisher=%s', $year, $month, implode(',', $publishers)))['mb'];
        return array_map(static fn (int $id): int => (int) $mb[(string) $id], $publishers);
    }

    private function runAt(DateTimeImmutable $now): array
    {
        $context = new Context('UsageUpdate', Params::forServer($this->serverId));
        try {
            return (new UsageUpdate($context))->run($now);
        } finally {
            // What ModuleCall would log, so the test can read the dates sent.
            foreach ($context->connectionIfMade()?->takeCallLog() ?? [] as $call) {
                logModuleCall('aflexi', 'UsageUpdate', json_encode($call), '', '', []);
            }
        }
    }

    /** The request column of every module-log entry of an action, joined. */
    private function moduleLogRequests(string $action): string
    {
        return implode("\n", Capsule::table('tblmodulelog')->where('action', $action)->orderBy('id')->pluck('request')->all());
    }

    /** The processed data (notes) of the last outcome entry of an action. */
    private function moduleLogOutcome(string $action): array
    {
        $row = Capsule::table('tblmodulelog')->where('action', $action)->orderByDesc('id')->first();
        return (array) json_decode((string) $row->arrdata, true);
    }

    private function moduleLogOutcomeText(string $action): string
    {
        return (string) Capsule::table('tblmodulelog')->where('action', $action)->orderByDesc('id')->value('response');
    }

    private function clientAreaHtml(int $service): string
    {
        $output = aflexi_ClientArea(Params::forService($service));
        return Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);
    }

    /** A client of a new, second operator of the sandbox. */
    private function otherOperator(): \Aflexi\Client
    {
        $login = 'other-' . bin2hex(random_bytes(3));
        $key = 'AK' . bin2hex(random_bytes(10));
        $this->sandbox->addOperator($login, $key);
        return new \Aflexi\Client($this->sandbox->coreUrl(), $login, $key);
    }
}
