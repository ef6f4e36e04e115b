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

/** Internal API (§F): result array with result = success|error, never an exception. */
function localAPI(string $command, array $values = [], string $adminUsername = ''): array
{
    Whmcs::recordCall('localAPI', func_get_args());
    return LocalApi::call($command, $values, $adminUsername);
}

/** Module Log entry with every $replaceVars value masked (§A5). */
function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = []): void
{
    Whmcs::recordCall('logModuleCall', [$module, $action]);
    ModuleLog::log((string) $module, (string) $action, $requestString, $responseData, $processedData, (array) $replaceVars);
}

/** Activity Log line (§A5). */
function logActivity($message, $clientId = 0): void
{
    Whmcs::recordCall('logActivity', func_get_args());
    ActivityLog::log((string) $message, (int) $clientId);
}

/** Registers a hook (§C1). */
function add_hook($hookPoint, $priority, $function): void
{
    Whmcs::recordCall('add_hook', [$hookPoint, $priority]);
    Hooks::add((string) $hookPoint, (int) $priority, $function);
}

/** Runs the hooks of a point in priority order and returns their return values (§C1). */
function run_hook($hookPoint, $vars = []): array
{
    Whmcs::recordCall('run_hook', [$hookPoint]);
    return Hooks::run((string) $hookPoint, (array) $vars);
}

/** WHMCS's reversible encryption (§A6). */
function encrypt($string): string
{
    Whmcs::recordCall('encrypt', []);
    return Crypto::encrypt((string) $string);
}

/** '' for anything that is not a ciphertext (§B6). */
function decrypt($string): string
{
    Whmcs::recordCall('decrypt', []);
    return Crypto::decrypt((string) $string);
}

/** CSRF token: 'plain', 'link' or the hidden form input (§B7). */
function generate_token($type = 'form'): string
{
    Whmcs::recordCall('generate_token', func_get_args());
    return Csrf::generate((string) $type);
}

/** Verifies the submitted token; throws WhmcsHarness\TokenRejected where WHMCS aborts (§B7). */
function check_token($namespace = 'WHMCS.admin.default'): bool
{
    Whmcs::recordCall('check_token', func_get_args());
    return Csrf::check((string) $namespace);
}
