<?php
/**
 * Run by ExtensionTest in a PHP without the extension (php -n): loads the module as WHMCS
 * would, with minimal stand-ins for the WHMCS functions it may call (no database), calls every
 * entry point and every hook, and prints what they returned and logged as JSON.
 */

declare(strict_types=1);

define('WHMCS', true);

$log = ['module' => [], 'activity' => [], 'hooks' => []];

function logModuleCall($module, $action, $request, $response, $processed = '', $replace = []): void
{
    $GLOBALS['log']['module'][] = ['action' => $action, 'response' => $response];
}

function logActivity($message, $clientId = 0): void
{
    $GLOBALS['log']['activity'][] = $message;
}

function add_hook($point, $priority, $callback): void
{
    $GLOBALS['log']['hooks'][$point] = $callback;
}

$dir = $argv[1];
require $dir . '/aflexi.php';
require $dir . '/hooks.php';

$params = [
    'serviceid' => 5, 'userid' => 3, 'pid' => 2, 'serverid' => 1, 'username' => 'u', 'password' => 'Svc-Secret-1',
    'serverhostname' => 'api.example.test', 'serverusername' => 'acme', 'serverpassword' => 'key', 'serversecure' => true,
    'clientsdetails' => ['email' => 'a@example.com', 'firstname' => 'A', 'lastname' => 'B'], 'configoption1' => 'gold',
];
$results = [
    'extension_loaded' => extension_loaded('aflexi'),
    'MetaData' => aflexi_MetaData(),
    'ConfigOptions' => array_keys(aflexi_ConfigOptions()),
    'TestConnection' => aflexi_TestConnection($params),
];
foreach (['CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'TerminateAccount', 'ChangePackage', 'ChangePassword', 'Resync'] as $function) {
    $results[$function] = ('aflexi_' . $function)($params);
}
$results['ListAccounts'] = aflexi_ListAccounts($params);
$results['AdminServicesTabFields'] = aflexi_AdminServicesTabFields($params);
$results['ClientArea'] = aflexi_ClientArea($params);
$results['ServiceSingleSignOn'] = aflexi_ServiceSingleSignOn($params + ['configoption2' => 'on']);
foreach (['ClientClose', 'PreDeleteClient', 'ClientDelete'] as $point) {
    $log['hooks'][$point](['userid' => 3]);
}
$log['hooks']['DailyCronJob']([]);
$results['EmailPreSend'] = $log['hooks']['EmailPreSend'](['messagename' => 'Aflexi CDN Welcome Mail', 'relid' => 5]);
unset($log['hooks']);
echo json_encode(['results' => $results, 'log' => $log], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES);
