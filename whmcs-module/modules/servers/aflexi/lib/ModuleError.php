<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * A failure whose message is already written for the administrator: it says what failed and
 * what to check, and is shown as it is (after secrets are masked).
 */
final class ModuleError extends \RuntimeException
{
}
