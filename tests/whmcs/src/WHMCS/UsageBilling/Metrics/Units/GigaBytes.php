<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Metrics\Units\GigaBytes`: named "Gigabytes", suffix "GB", a
 * low-precision float (OBS: WHMCS 8's class is a `Bytes` unit with those defaults; the module
 * documentation's example providers use it for bandwidth).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

class GigaBytes extends AbstractUnit
{
    public function __construct($name = 'Gigabytes', $singlePerUnitName = null, $pluralPerUnitName = null, $prefix = null, $suffix = 'GB')
    {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }

    public function type()
    {
        return self::TYPE_FLOAT_PRECISION_LOW;
    }
}
