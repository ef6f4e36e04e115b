<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\GigaBytes;
use WHMCS\UsageBilling\Metrics\Usage;

/**
 * WHMCS Usage Billing for one Aflexi server (aflexi_MetricProvider): the metric "bandwidth",
 * this calendar month's CDN traffic in GB (a period metric: it starts again at 0 each month),
 * per tenant. A tenant is a service's CDN username, the key aflexi_ListAccounts gives the
 * account (its local part, as tblhosting.username holds it). See docs/WHMCS-FIDELITY.md
 * ("Usage Billing") for what WHMCS does with it.
 *
 * usage() reads every linked Active or Suspended service of the server in the core's
 * concurrent usage queries (2 API calls per 200 services, as UsageUpdate); tenantUsage() one
 * service (2 calls). A publisher whose figure could not be read is left out (WHMCS keeps its
 * last collected figure) and named in the module log with the error kind; a failure of the
 * whole read is logged and gives no usage, never an exception into WHMCS's cron.
 */
final class MetricProvider implements ProviderInterface
{
    public const BANDWIDTH = 'bandwidth';

    /** @param array<string, mixed> $params the server's module parameters */
    public function __construct(private readonly array $params)
    {
    }

    /** @return array<string, MetricInterface> */
    public function metrics()
    {
        return [self::BANDWIDTH => new Metric(self::BANDWIDTH, 'Bandwidth', MetricInterface::TYPE_PERIOD_MONTH, new GigaBytes())];
    }

    /** @return array<string, array<string, MetricInterface>> metrics with usage, by tenant */
    public function usage()
    {
        return $this->read('MetricProvider usage', null);
    }

    /** @return array<string, MetricInterface> the tenant's metrics with usage (none when the tenant is unknown) */
    public function tenantUsage($tenant)
    {
        return $this->read('MetricProvider tenantUsage', (string) $tenant)[(string) $tenant] ?? [];
    }

    /**
     * The month's bandwidth of the server's tenants (or of one), as metrics with usage.
     *
     * @return array<string, array<string, MetricInterface>>
     */
    private function read(string $action, ?string $tenant): array
    {
        $context = new Context($action, $this->params);
        return ModuleCall::background($context, function (Context $c) use ($tenant): array {
            $c->records(); // creates the records table when missing
            $publishers = $this->tenants((int) ($this->params['serverid'] ?? 0), $tenant);
            $c->note('tenants', count($publishers));
            if ($publishers === []) {
                return [];
            }
            $now = new \DateTimeImmutable('now');
            [$year, $month] = UsageUpdate::month($now);
            $start = $now->setDate($year, $month, 1)->setTime(0, 0);
            $tenantsOf = [];
            foreach ($publishers as $name => $publisherId) {
                $tenantsOf[$publisherId][] = $name;
            }
            $usage = $unread = [];
            $metric = $this->metrics()[self::BANDWIDTH];
            $batches = $c->client()->usageBatches($year, $month, array_keys($tenantsOf));
            while (($batch = $batches->next()) !== null) {
                foreach ($batch as $row) {
                    foreach ($tenantsOf[(int) $row['publisher']] ?? [] as $name) {
                        if ($row['kind'] !== null) {
                            $unread[$name] = $row['kind'] . ': ' . Text::cap((string) $row['error'], 200);
                            continue;
                        }
                        $gb = \Aflexi\bandwidth_usage_gb($row['mb'] ?? 0);
                        $usage[$name] = [self::BANDWIDTH => $metric->withUsage(new Usage($gb, $now, $start, $now))];
                    }
                }
            }
            $c->note('tenants_with_usage', count($usage));
            $c->note('not_read', array_slice($unread, 0, 50, true));
            return $usage;
        }, []);
    }

    /**
     * The server's tenants with a linked CDN account: publisher id by tenant (the service's
     * username), Active and Suspended services only, as UsageUpdate reads.
     *
     * @return array<string, int>
     */
    private function tenants(int $serverId, ?string $tenant): array
    {
        if ($serverId <= 0) {
            throw new ModuleError('Aflexi CDN: the metric provider was made without a server id; WHMCS passes the server record of each Aflexi server.');
        }
        $query = Capsule::table('tblhosting as h')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->join(Schema::PUBLISHERS . ' as r', 'r.service_id', '=', 'h.id')
            ->where('h.server', $serverId)
            ->where('p.servertype', 'aflexi')
            ->whereIn('h.domainstatus', UsageUpdate::STATUSES)
            ->where('r.publisher_id', '>', 0)
            ->where('r.status', '!=', PublisherRecords::NOT_FOUND)
            ->where('h.username', '!=', '');
        if ($tenant !== null) {
            $query->where('h.username', $tenant);
        }
        $tenants = [];
        foreach ($query->orderBy('h.id')->get(['h.username', 'r.publisher_id']) as $row) {
            $tenants[(string) $row->username] = (int) $row->publisher_id;
        }
        return $tenants;
    }
}
