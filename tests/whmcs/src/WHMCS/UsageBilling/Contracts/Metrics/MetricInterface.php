<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Contracts\Metrics\MetricInterface` (WHMCS 7.9+): one metric
 * a provider reports. Methods as developers.whmcs.com/classes/whmcs/usagebilling/contracts/metrics/metricinterface
 * lists them. The constants' values ("snapshot", "day", "month") are what tbltenant_stats.type
 * stores: OBS (WHMCS 8 code; the documentation names the constants without values).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface MetricInterface
{
    public const TYPE_SNAPSHOT = 'snapshot';
    public const TYPE_PERIOD_DAY = 'day';
    public const TYPE_PERIOD_MONTH = 'month';

    /** @return UsageInterface|null */
    public function usage();

    /** A copy of the metric carrying that usage. */
    public function withUsage(?UsageInterface $usage = null);

    /** @return UnitInterface */
    public function units();

    /** Canonical name, used by code and between systems (the key of ProviderInterface::metrics()). */
    public function systemName();

    /** Name shown to users. */
    public function displayName();

    /** One of the TYPE_* constants. */
    public function type();
}
