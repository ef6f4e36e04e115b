<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface`, what a module's
 * `<module>_MetricProvider($params)` returns (developers.whmcs.com/provisioning-modules/usage-metrics;
 * developers.whmcs.com/classes/whmcs/usagebilling/contracts/metrics/providerinterface).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface ProviderInterface
{
    /** @return array<string, MetricInterface> every metric the provider supports, keyed by system name */
    public function metrics();

    /** @return array<string, array<string, MetricInterface>> all usage of the server: metrics with usage, keyed by tenant */
    public function usage();

    /** @return array<string, MetricInterface> one tenant's metrics with usage */
    public function tenantUsage($tenant);
}
