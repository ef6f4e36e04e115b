<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The version of the module and its shared library. The PHP extension `aflexi` is built from
 * the same workspace and must report the same version (phpversion('aflexi')); see Extension.
 */
final class Version
{
    public const VERSION = '0.1.0';
}
