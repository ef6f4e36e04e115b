<?php
/**
 * `logModuleCall()` (developers.whmcs.com/provisioning-modules/module-logging): writes a Module Log entry (tblmodulelog) with every `$replaceVars`
 * value masked in the request, the response and the processed data - but only while Module
 * Debug Logging is on (tblconfiguration ModuleDebugMode = 'on', which the baseline sets);
 * otherwise the call is a silent no-op, as in WHMCS. Arrays are stored as print_r text.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ModuleLog
{
    public static function log(string $module, string $action, mixed $request, mixed $response, mixed $processed, array $replaceVars): void
    {
        if (Config::get('ModuleDebugMode') !== 'on') {
            return;
        }
        $entry = [
            'module' => $module,
            'action' => $action,
            'request' => SecretMask::mask($request, $replaceVars),
            'response' => SecretMask::mask($response, $replaceVars),
            'processed' => SecretMask::mask($processed, $replaceVars),
        ];
        $entry['request_text'] = self::text($entry['request']);
        $entry['response_text'] = self::text($entry['response']);
        $entry['processed_text'] = self::text($entry['processed']);
        Capsule::table('tblmodulelog')->insert([
            'date' => date('Y-m-d H:i:s'),
            'module' => $module,
            'action' => $action,
            'request' => $entry['request_text'],
            'response' => $entry['response_text'],
            'arrdata' => $entry['processed_text'],
        ]);
        Whmcs::recordModuleLog($entry);
    }

    private static function text(mixed $value): string
    {
        return is_array($value) || is_object($value) ? print_r($value, true) : (string) $value;
    }
}
