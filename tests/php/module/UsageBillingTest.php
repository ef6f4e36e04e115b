<?php
/**
 * WHMCS Usage Billing end to end: aflexi_MetricProvider's bandwidth metric, collected by the
 * stand-in's "Tenant Usage Metrics" cron task (tests/whmcs/src/UsageBilling.php) from the
 * sandbox's usage, stored per tenant, and billed over the product's included amount as a line
 * of the service's renewal invoice. The expected figures come from the sandbox itself
 * (GET /_sandbox/usage), so a wrong unit, month or tenant fails.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Units\GigaBytes;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Params;
use WhmcsHarness\UsageBilling;

final class UsageBillingTest extends ModuleTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        UsageBilling::createTables();
    }

    /** @testdox The provider offers one metric, "bandwidth": a monthly period metric in GB */
    #[\PHPUnit\Framework\Attributes\TestDox('The provider offers one metric, "bandwidth": a monthly period metric in GB')]
    public function testTheProviderOffersMonthlyBandwidthInGigabytes(): void
    {
        $provider = aflexi_MetricProvider(Params::forServer($this->serverId));
        self::assertInstanceOf(ProviderInterface::class, $provider);
        $metrics = $provider->metrics();
        self::assertSame(['bandwidth'], array_keys($metrics));
        self::assertSame('bandwidth', $metrics['bandwidth']->systemName());
        self::assertSame(MetricInterface::TYPE_PERIOD_MONTH, $metrics['bandwidth']->type());
        self::assertInstanceOf(GigaBytes::class, $metrics['bandwidth']->units());
        self::assertSame(0, $this->apiCallsDuring(fn () => $provider->metrics()), 'listing the metrics asks Aflexi nothing');
    }

    /** @testdox usage() gives every linked tenant (keyed as ListAccounts keys accounts) this month's GB in 2 API calls per 200 tenants; tenantUsage() one in 2 */
    #[\PHPUnit\Framework\Attributes\TestDox('usage() gives every linked tenant (keyed as ListAccounts keys accounts) this month\'s GB in 2 API calls per 200 tenants; tenantUsage() one in 2')]
    public function testUsageServesEveryTenantInABoundedNumberOfCalls(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $services = [];
        foreach (['a', 'b', 'c'] as $n) {
            $services[] = $this->createdService($gold, "ub-$n@example.com");
        }
        $provider = aflexi_MetricProvider(Params::forServer($this->serverId));
        $usage = [];
        $calls = $this->apiCallsDuring(function () use ($provider, &$usage): void {
            $usage = $provider->usage();
        });

        self::assertSame(2, $calls, 'HTTP and RTMP for up to 200 tenants');
        $accounts = array_column(aflexi_ListAccounts(Params::forServer($this->serverId))['accounts'], 'uniqueIdentifier');
        $expected = $this->expectedGb($services);
        self::assertEqualsCanonicalizing($accounts, array_keys($usage), 'the tenants are the accounts ListAccounts lists');
        foreach ($expected as $tenant => $gb) {
            self::assertSame(['bandwidth'], array_keys($usage[$tenant]));
            $metric = $usage[$tenant]['bandwidth'];
            self::assertEqualsWithDelta($gb, $metric->usage()->value(), 1e-9, $tenant);
            self::assertSame(date('Y-m-01'), $metric->usage()->startAt()->format('Y-m-d'));
        }

        $one = array_key_first($expected);
        $tenantUsage = [];
        self::assertSame(2, $this->apiCallsDuring(function () use ($provider, $one, &$tenantUsage): void {
            $tenantUsage = $provider->tenantUsage($one);
        }));
        self::assertEqualsWithDelta($expected[$one], $tenantUsage['bandwidth']->usage()->value(), 1e-9);
        self::assertSame([], $provider->tenantUsage('nobody-here'), 'an unknown tenant has no usage');
    }

    /** @testdox Collected bandwidth over the included GB becomes a usage line of the renewal invoice: the right quantity at the product's overage price */
    #[\PHPUnit\Framework\Attributes\TestDox('Collected bandwidth over the included GB becomes a usage line of the renewal invoice: the right quantity at the product\'s overage price')]
    public function testCollectedBandwidthOverTheIncludedAmountIsInvoiced(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->createdService($gold, 'overage@example.com');
        $tenant = (string) $this->hosting($service)->username;
        $gb = $this->expectedGb([$service])[$tenant];
        self::assertGreaterThan(2.0, $gb, 'the sandbox month has traffic to bill');
        $included = 1.0;
        UsageBilling::priceMetric($gold, 'aflexi', 'bandwidth', $included, 0.35);

        // The cron task, twice: one stored figure per tenant and month, not two.
        self::assertSame(['servers' => 1, 'tenants' => 1], UsageBilling::collect());
        self::assertSame(['servers' => 1, 'tenants' => 1], UsageBilling::collect());
        $tenantId = Capsule::table('tblserver_tenants')->where('server_id', $this->serverId)->where('tenant', $tenant)->value('id');
        self::assertNotNull($tenantId, 'the tenant is stored under its server');
        $stats = Capsule::table('tbltenant_stats')->where('tenant_id', $tenantId)->get();
        self::assertCount(1, $stats);
        self::assertSame('bandwidth', $stats[0]->metric);
        self::assertSame('month', $stats[0]->type);
        self::assertEqualsWithDelta($gb, (float) $stats[0]->value, 0.000001);

        $invoice = Fixtures::invoiceForService($service, 10.0);
        $line = UsageBilling::invoiceUsage($invoice, $service, 'bandwidth');

        self::assertNotNull($line);
        $item = Capsule::table('tblinvoiceitems')->where('id', $line)->first();
        $over = round($gb, 2) - $included;
        self::assertSame('Usage', $item->type);
        self::assertSame((int) $stats[0]->id, (int) $item->relid);
        self::assertSame(number_format(round($over * 0.35, 2), 2, '.', ''), (string) $item->amount);
        self::assertStringContainsString(sprintf('%s GB bandwidth', round($gb, 2)), (string) $item->description);
        self::assertStringContainsString(sprintf('%s GB additional @ 0.35 each', $over), (string) $item->description);
        self::assertSame(number_format(10 + round($over * 0.35, 2), 2, '.', ''), (string) Capsule::table('tblinvoices')->where('id', $invoice)->value('total'));
        self::assertSame($invoice, (int) Capsule::table('tbltenant_stats')->where('id', $stats[0]->id)->value('invoice_id'));
        self::assertNull(UsageBilling::invoiceUsage($invoice, $service, 'bandwidth'), 'a figure is billed once');
    }

    /** @testdox Usage within the included amount is a 0.00 line; with Aflexi failing usage() gives nothing (WHMCS keeps the last figures), logs why per tenant and throws nothing */
    #[\PHPUnit\Framework\Attributes\TestDox('Usage within the included amount is a 0.00 line; with Aflexi failing usage() gives nothing (WHMCS keeps the last figures), logs why per tenant and throws nothing')]
    public function testWithinTheIncludedAmountNothingIsChargedAndAnOutageIsLogged(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $service = $this->createdService($gold, 'included@example.com');
        UsageBilling::priceMetric($gold, 'aflexi', 'bandwidth', 1_000_000, 0.35);
        UsageBilling::collect();
        $line = UsageBilling::invoiceUsage(Fixtures::invoiceForService($service, 10.0), $service, 'bandwidth');
        self::assertSame('0.00', (string) Capsule::table('tblinvoiceitems')->where('id', $line)->value('amount'));

        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['http500']]);
        ini_set('aflexi.operation_timeout', '5');
        $usage = aflexi_MetricProvider(Params::forServer($this->serverId))->usage();
        $this->sandbox->calm();
        self::assertSame([], $usage);
        $logged = (string) Capsule::table('tblmodulelog')->where('action', 'MetricProvider usage')->orderByDesc('id')->value('arrdata');
        self::assertStringContainsString('http_status', $logged, 'each tenant not read is named with the error kind');
        $this->assertNoSecretLogged($this->authKey);
    }

    private function createdService(int $productId, string $email): int
    {
        $service = $this->service($productId, $this->client(['email' => $email]));
        $this->assertActionSucceeds('Create', $service);
        return $service;
    }

    /**
     * The sandbox's month total of each service's publisher, in GB (MB / 1024), by tenant.
     *
     * @param list<int> $services
     * @return array<string, float>
     */
    private function expectedGb(array $services): array
    {
        $publishers = [];
        foreach ($services as $service) {
            $publishers[(string) $this->hosting($service)->username] = (int) $this->record($service)->publisher_id;
        }
        $mb = $this->sandbox->control('GET', sprintf('/_sandbox/usage?year=%d&month=%d&publisher=%s', (int) date('Y'), (int) date('n'), implode(',', $publishers)))['mb'];
        return array_map(static fn (int $id): float => (int) $mb[(string) $id] / 1024, $publishers);
    }
}
