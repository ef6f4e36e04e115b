<?php
/**
 * A separate PHP process running the addon's cron reconcile against the test database (the
 * WHMCS_DB_* environment), for the kill -9 test: it does not boot the stand-in (that would
 * recreate the tables), only Capsule and minimal stand-ins of the WHMCS functions the addon
 * calls. Prints "ready" before it starts syncing.
 *
 *   php -d extension=libaflexi.so reconcile-child.php <budget_ms>
 */

declare(strict_types=1);

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once dirname(__DIR__, 3) . '/whmcs/src/WHMCS/Database/Capsule.php';
require_once dirname(__DIR__, 3) . '/whmcs/src/Database.php';

define('WHMCS', true);

function encrypt($value): string { return 'child:' . base64_encode((string) $value); }
function decrypt($value): string { return str_starts_with((string) $value, 'child:') ? (string) base64_decode(substr((string) $value, 6)) : ''; }
function logModuleCall(...$args): void {}
function logActivity(...$args): void {}

$capsule = new WHMCS\Database\Capsule();
$config = new ReflectionMethod(WhmcsHarness\Database::class, 'configFromEnv');
$config->setAccessible(true);
$capsule->addConnection($config->invoke(null));
$capsule->setAsGlobal();

$addon = dirname(__DIR__, 4) . '/whmcs-addon/modules/addons/aflexi_cdn';
require_once $addon . '/lib/shared.php';
require_once $addon . '/lib/autoload.php';

echo "ready\n";
$result = (new WHMCS\Module\Addon\AflexiCdn\Reconcile(WHMCS\Module\Addon\AflexiCdn\Settings::load()))->run((int) ($argv[1] ?? 60000));
echo json_encode($result), "\n";
