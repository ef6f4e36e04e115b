<?php
/**
 * Stand-in for WHMCS's `WHMCS\Database\Capsule`: in WHMCS it is Laravel's Capsule Manager
 * (developers.whmcs.com/advanced/db-interaction), so the stand-in is a plain subclass. WhmcsHarness\Database connects it.
 */

declare(strict_types=1);

namespace WHMCS\Database;

class Capsule extends \Illuminate\Database\Capsule\Manager
{
}
