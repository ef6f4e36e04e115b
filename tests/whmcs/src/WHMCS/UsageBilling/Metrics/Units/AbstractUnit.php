<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Metrics\Units\AbstractUnit`:
 * `($name, $singlePerUnitName = null, $pluralPerUnitName = null, $prefix = null, $suffix = null)`
 * (developers.whmcs.com/classes/whmcs/usagebilling/metrics/units/abstractunit). Rounding by
 * type (2 decimals for low-precision floats, 6 for high, whole for ints) is an ASSUMPTION
 * in the spirit of WHMCS's `decimal(19,6)` columns; WHMCS bills the rounded figure (OBS).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;

abstract class AbstractUnit implements UnitInterface
{
    public function __construct(
        private $name,
        private $singlePerUnitName = null,
        private $pluralPerUnitName = null,
        private $prefix = null,
        private $suffix = null,
    ) {
    }

    public function name()
    {
        return (string) $this->name;
    }

    public function perUnitName($value = 0)
    {
        $single = $this->singlePerUnitName ?? $this->name;
        return (float) $value === 1.0 ? (string) $single : (string) ($this->pluralPerUnitName ?? $single);
    }

    public function prefix()
    {
        return (string) ($this->prefix ?? '');
    }

    public function suffix()
    {
        return (string) ($this->suffix ?? '');
    }

    public function decorate($value)
    {
        return trim($this->prefix() . $this->formatForType($value) . ' ' . $this->suffix());
    }

    public function roundForType($value)
    {
        return match ($this->type()) {
            self::TYPE_INT => (int) round((float) $value),
            self::TYPE_FLOAT_PRECISION_HIGH => round((float) $value, 6),
            default => round((float) $value, 2),
        };
    }

    public function formatForType($value)
    {
        return match ($this->type()) {
            self::TYPE_INT => (string) $this->roundForType($value),
            self::TYPE_FLOAT_PRECISION_HIGH => number_format((float) $value, 6, '.', ''),
            default => number_format((float) $value, 2, '.', ''),
        };
    }
}
