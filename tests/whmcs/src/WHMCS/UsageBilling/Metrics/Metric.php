<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Metrics\Metric`: the constructor
 * `($systemName, $displayName = null, $type = null, UnitInterface $units = null, UsageInterface $usage = null)`
 * of developers.whmcs.com/classes/whmcs/usagebilling/metrics/metric. A metric without a type is
 * a snapshot and without units a whole number: ASSUMPTION (the page gives no defaults; the
 * module always passes both).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

class Metric implements MetricInterface
{
    private const TYPES = [self::TYPE_SNAPSHOT, self::TYPE_PERIOD_DAY, self::TYPE_PERIOD_MONTH];

    private string $systemName;
    private string $displayName;
    private string $type;
    private UnitInterface $units;

    public function __construct($systemName, $displayName = null, $type = null, ?UnitInterface $units = null, private ?UsageInterface $metricUsage = null)
    {
        if (!is_string($systemName) || $systemName === '') {
            throw new \InvalidArgumentException('a metric needs a system name');
        }
        $type ??= self::TYPE_SNAPSHOT;
        if (!in_array($type, self::TYPES, true)) {
            throw new \InvalidArgumentException("unknown metric type $type");
        }
        $this->systemName = $systemName;
        $this->displayName = (string) ($displayName ?? $systemName);
        $this->type = $type;
        $this->units = $units ?? new Units\WholeNumber();
    }

    public function usage()
    {
        return $this->metricUsage;
    }

    public function withUsage(?UsageInterface $usage = null)
    {
        return new static($this->systemName, $this->displayName, $this->type, $this->units, $usage);
    }

    public function units()
    {
        return $this->units;
    }

    public function systemName()
    {
        return $this->systemName;
    }

    public function displayName()
    {
        return $this->displayName;
    }

    public function type()
    {
        return $this->type;
    }
}
