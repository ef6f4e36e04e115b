<?php
/**
 * The WHMCS global functions modules call, as thin recording wrappers around the stand-ins
 * in WhmcsHarness\ (see each class for the WHMCS behaviour it mirrors). Every call is
 * recorded in WhmcsHarness\Whmcs.
 */

declare(strict_types=1);

use WhmcsHarness\ActivityLog;
use WhmcsHarness\Crypto;
use WhmcsHarness\Csrf;
use WhmcsHarness\Hooks;
use WhmcsHarness\LocalApi;
use WhmcsHarness\ModuleLog;
use WhmcsHarness\Whmcs;

/** Internal API (developers.whmcs.com/api/internal-api): result array with result = success|error, never an exception. */
function localAPI(string $command, array $values = [], string $adminUsername = ''): array
{
    Whmcs::recordCall('localAPI', func_get_args());
    return LocalApi::call($command, $values, $adminUsername);
}

/** Module Log entry with every $replaceVars value masked (developers.whmcs.com/provisioning-modules/module-logging). */
function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = []): void
{
    Whmcs::recordCall('logModuleCall', [$module, $action]);
    ModuleLog::log((string) $module, (string) $action, $requestString, $responseData, $processedData, (array) $replaceVars);
}

/** Activity Log line (developers.whmcs.com/advanced/logging). */
function logActivity($message, $clientId = 0): void
{
    Whmcs::recordCall('logActivity', func_get_args());
    ActivityLog::log((string) $message, (int) $clientId);
}

/** Registers a hook (developers.whmcs.com/hooks/getting-started). */
function add_hook($hookPoint, $priority, $function): void
{
    Whmcs::recordCall('add_hook', [$hookPoint, $priority]);
    Hooks::add((string) $hookPoint, (int) $priority, $function);
}

/** Runs the hooks of a point in priority order and returns their return values (developers.whmcs.com/hooks/getting-started). */
function run_hook($hookPoint, $vars = []): array
{
    Whmcs::recordCall('run_hook', [$hookPoint]);
    return Hooks::run((string) $hookPoint, (array) $vars);
}

/** WHMCS's reversible encryption (developers.whmcs.com/api-reference/encryptpassword). */
function encrypt($string): string
{
    Whmcs::recordCall('encrypt', []);
    return Crypto::encrypt((string) $string);
}

/** '' for '', garbage for anything else never encrypted (docs/WHMCS-FIDELITY.md#module-parameters-and-encryption). */
function decrypt($string): string
{
    Whmcs::recordCall('decrypt', []);
    return Crypto::decrypt((string) $string);
}

/** CSRF token: 'plain', 'link' or the hidden form input (tests/whmcs/README.md#csrf). */
function generate_token($type = 'form'): string
{
    Whmcs::recordCall('generate_token', func_get_args());
    return Csrf::generate((string) $type);
}

/** Verifies the submitted token; throws WhmcsHarness\TokenRejected where WHMCS aborts (tests/whmcs/README.md#csrf). */
function check_token($namespace = 'WHMCS.admin.default'): bool
{
    Whmcs::recordCall('check_token', func_get_args());
    return Csrf::check((string) $namespace);
}
