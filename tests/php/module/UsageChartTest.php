<?php
/**
 * The daily bandwidth chart of the client area and the admin service page (lib/UsageChart.php,
 * drawn by Aflexi\usage_chart): the right figures in the SVG and in the table, this month
 * beside the previous one; at most one read of Aflexi per service per hour; the last figures
 * with their age, or a sentence, when Aflexi is down; every text escaped.
 *
 * The expected figures come from the sandbox (GET /_sandbox/usage: a whole month, HTTP +
 * RTMP) and from the client's own read of the same days.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiModuleTests\Support\Smarty;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\Lang;
use WHMCS\Module\Server\Aflexi\Schema;
use WHMCS\Module\Server\Aflexi\ServiceView;
use WHMCS\Module\Server\Aflexi\UsageChart;
use WhmcsHarness\Params;

final class UsageChartTest extends ModuleTestCase
{
    /** @testdox The chart and its table show each day of this month and the previous one, with the month totals Aflexi reports */
    #[\PHPUnit\Framework\Attributes\TestDox('The chart and its table show each day of this month and the previous one, with the month totals Aflexi reports')]
    public function testTheChartAndTheTableShowTheDailyFigures(): void
    {
        $service = $this->createdService('figures@example.com');
        $publisher = (int) $this->record($service)->publisher_id;
        $now = new DateTimeImmutable('2026-03-15 10:00:00');

        $chart = UsageChart::chart($this->context($service), $service, Lang::strings(), 'c', $now);

        $february = (int) $this->sandbox->control('GET', "/_sandbox/usage?year=2026&month=2&publisher=$publisher")['mb'][(string) $publisher];
        self::assertSame(\Aflexi\format_mb($february), $chart['previous_total'], 'the previous month is February, whole');
        self::assertCount(28, $chart['rows'], 'February has 28 days; March is shown up to the 15th');
        self::assertSame('2026-03-15', $chart['rows'][14]['current_date']);
        self::assertSame('', $chart['rows'][15]['current_date'], 'no days after today');
        $days = $this->operatorClient()->dailyBandwidth($publisher, '2026-03-01', '2026-03-15');
        self::assertSame(\Aflexi\format_mb($days['2026-03-07'] ?? 0), $chart['rows'][6]['current']);
        self::assertSame(\Aflexi\format_mb(array_sum($days)), $chart['current_total']);
        self::assertStringContainsString('<title>This month (2026-03), 2026-03-07: ' . $chart['rows'][6]['current'] . '</title>', $chart['svg']);
        self::assertStringContainsString('Previous month (2026-02): ' . \Aflexi\format_mb($february) . '.</desc>', $chart['svg']);
    }

    /** @testdox The client area shows the chart as SVG with a table for screen readers; the admin tab the same */
    #[\PHPUnit\Framework\Attributes\TestDox('The client area shows the chart as SVG with a table for screen readers; the admin tab the same')]
    public function testTheClientAreaAndTheAdminTabShowTheChart(): void
    {
        $service = $this->createdService('page@example.com');

        $output = aflexi_ClientArea(Params::forService($service));
        $html = Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);
        $admin = aflexi_AdminServicesTabFields(Params::forService($service))['Aflexi daily bandwidth'];

        foreach ([$html, $admin] as $page) {
            self::assertMatchesRegularExpression('#<svg [^>]*role="img" aria-labelledby="aflexi-(admin-)?usage-' . $service . '-title aflexi-(admin-)?usage-' . $service . '-desc"#', $page);
            self::assertStringContainsString('<details class="aflexi-usage-table"><summary>Daily figures as a table</summary><table', $page);
            self::assertStringContainsString('<th scope="row">1</th><td>' . date('Y-m-01') . '</td>', $page);
            self::assertStringNotContainsString('<script', $page);
            self::assertStringContainsString('Figures as of ', $page);
        }
        $svg = $this->svgOf($html);
        self::assertNotFalse(simplexml_load_string($svg), 'the SVG is well-formed XML');
    }

    /** @testdox A page view within the hour costs no API call; an hour later the figures are read again, once */
    #[\PHPUnit\Framework\Attributes\TestDox('A page view within the hour costs no API call; an hour later the figures are read again, once')]
    public function testAPageViewWithinTheHourCostsNoApiCall(): void
    {
        $service = $this->createdService('cache@example.com');
        aflexi_ClientArea(Params::forService($service)); // portal URL and the days read, then kept

        self::assertSame(0, $this->apiCallsDuring(static fn () => aflexi_ClientArea(Params::forService($service))));
        self::assertSame(0, $this->apiCallsDuring(static fn () => aflexi_AdminServicesTabFields(Params::forService($service))));

        $this->ageKeptFigures($service, 3601);
        $stats = $this->statsCallsDuring(static fn () => aflexi_ClientArea(Params::forService($service)));
        self::assertSame(2, $stats, 'one read of the days: stats.getSummaries for HTTP, then RTMP');
        self::assertSame(0, $this->apiCallsDuring(static fn () => aflexi_ClientArea(Params::forService($service))));
    }

    /** @testdox When Aflexi is down the page still renders: the last figures with their age, or a sentence when there are none */
    #[\PHPUnit\Framework\Attributes\TestDox('When Aflexi is down the page still renders: the last figures with their age, or a sentence when there are none')]
    public function testWhenAflexiIsDownThePageShowsTheLastFiguresOrASentence(): void
    {
        $kept = $this->createdService('down@example.com');
        $never = $this->createdService('never@example.com');
        aflexi_ClientArea(Params::forService($kept));
        $this->ageKeptFigures($kept, 7200);
        $fetchedAt = (string) Capsule::table(Schema::USAGE_DAYS)->where('service_id', $kept)->value('fetched_at');

        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['http500']]);
        $old = aflexi_ClientArea(Params::forService($kept));
        $none = aflexi_ClientArea(Params::forService($never));
        $this->sandbox->calm();

        self::assertSame('templates/clientarea.tpl', $old['tabOverviewModuleOutputTemplate'], 'never the error page for the chart');
        self::assertStringContainsString('<svg ', $old['templateVariables']['aflexiUsageChart']);
        self::assertStringContainsString('The CDN cannot be reached right now: these are the figures of ' . substr($fetchedAt, 0, 16) . '.', $old['templateVariables']['aflexiUsageChart']);
        self::assertSame('templates/clientarea.tpl', $none['tabOverviewModuleOutputTemplate']);
        self::assertSame('<p class="aflexi-usage-unavailable">The daily bandwidth chart is not available right now. Please try again later.</p>', $none['templateVariables']['aflexiUsageChart']);
        self::assertStringContainsString('usage_chart_read_failed', (string) Capsule::table('tblmodulelog')->where('action', 'ClientArea')->orderByDesc('id')->value('arrdata'));
    }

    /** @testdox Hostile texts are escaped in the SVG and the table, and a broken input is refused, not drawn */
    #[\PHPUnit\Framework\Attributes\TestDox('Hostile texts are escaped in the SVG and the table, and a broken input is refused, not drawn')]
    public function testHostileValuesAreEscaped(): void
    {
        $service = $this->createdService('hostile@example.com');
        $lang = array_map(static fn (string $s): string => $s . '<script>alert("x")</script>', Lang::strings());
        $lang['chart_current'] = '"><img src=x onerror=alert(1)> :month';

        $html = UsageChart::html($this->context($service), $service, $lang, 'h');

        self::assertStringNotContainsString('<script', $html);
        self::assertStringNotContainsString('<img', $html);
        self::assertStringContainsString('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', $this->svgOf($html));
        self::assertStringContainsString('&quot;&gt;&lt;img src=x', $html);
        self::assertNotFalse(simplexml_load_string($this->svgOf($html)));

        $this->expectException(\Aflexi\InvalidInputException::class);
        \Aflexi\usage_chart(['id' => 'x" onload="alert(1)', 'title' => '', 'axis' => '', 'current' => ['label' => '', 'days' => []], 'previous' => ['label' => '', 'days' => []]]);
    }

    /** @testdox The bandwidth row (shown even without the extension) words figures as the chart does */
    #[\PHPUnit\Framework\Attributes\TestDox('The bandwidth row (shown even without the extension) words figures as the chart does')]
    public function testTheBandwidthRowAndTheChartWordFiguresAlike(): void
    {
        foreach ([0, 850, 1023, 1024, 1536, 1_000_000, 1_500_000, 3 * 1024 * 1024] as $mb) {
            self::assertSame(\Aflexi\format_mb($mb), ServiceView::megabytes($mb), "$mb MB");
        }
    }

    private function createdService(string $email): int
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => $email]));
        $this->assertActionSucceeds('Create', $service);
        return $service;
    }

    private function context(int $service): Context
    {
        return new Context('ClientArea', Params::forService($service));
    }

    private function operatorClient(): \Aflexi\Client
    {
        return (new Context('Test', Params::forServer($this->serverId)))->client();
    }

    private function ageKeptFigures(int $service, int $seconds): void
    {
        Capsule::table(Schema::USAGE_DAYS)->where('service_id', $service)
            ->update(['fetched_at' => date('Y-m-d H:i:s', time() - $seconds)]);
    }

    private function statsCallsDuring(callable $work): int
    {
        $before = (int) ($this->sandbox->calls()['stats.getSummaries'] ?? 0);
        $work();
        return (int) ($this->sandbox->calls()['stats.getSummaries'] ?? 0) - $before;
    }

    private function svgOf(string $html): string
    {
        self::assertSame(1, preg_match('#<svg .*?</svg>#s', $html, $m), 'one SVG');
        return $m[0];
    }
}
