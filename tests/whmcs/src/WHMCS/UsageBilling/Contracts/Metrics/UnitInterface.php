<?php
/**
 * Stand-in for `WHMCS\UsageBilling\Contracts\Metrics\UnitInterface`: what a value counts
 * (developers.whmcs.com/classes/whmcs/usagebilling/contracts/metrics/unitinterface; the
 * constants' values are the stand-in's own, an ASSUMPTION: nothing we do stores them).
 */

declare(strict_types=1);

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface UnitInterface
{
    public const TYPE_CURRENCY = 'currency';
    public const TYPE_FLOAT_PRECISION_LOW = 'float_low';
    public const TYPE_FLOAT_PRECISION_HIGH = 'float_high';
    public const TYPE_INT = 'int';
    public const TYPE_MICROTIME = 'microtime';

    public function name();

    public function perUnitName($value = 0);

    public function prefix();

    public function suffix();

    /** Type of data: one of the TYPE_* constants. */
    public function type();

    public function decorate($value);

    public function formatForType($value);

    public function roundForType($value);
}
