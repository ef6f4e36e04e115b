<?php
/** Stand-in for `WHMCS\UsageBilling\Metrics\Units\WholeNumber`: a count (developers.whmcs.com/classes, Units namespace). */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Metrics\Units;

class WholeNumber extends AbstractUnit
{
    public function __construct($name = 'Units', $singlePerUnitName = null, $pluralPerUnitName = null, $prefix = null, $suffix = null)
    {
        parent::__construct($name, $singlePerUnitName, $pluralPerUnitName, $prefix, $suffix);
    }

    public function type()
    {
        return self::TYPE_INT;
    }
}
