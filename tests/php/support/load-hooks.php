<?php
/**
 * Loads a module's hooks.php in a fresh PHP process the way WHMCS does (included from inside
 * a function, on a page that carries on afterwards), under one failure, then fires every hook
 * point it registered with WHMCS's payloads. Run by the HooksIsolationTest of the module and
 * of the addon, with the stand-in's database of the parent test (WHMCS_DB_*, HARNESS_KEY).
 *
 *   php [-d extension=aflexi.so] load-hooks.php servers/aflexi|addons/aflexi_cdn SCENARIO IDS_JSON REPORT_FILE
 *
 * SCENARIO: no-other-module (a WHMCS root with only this module's folder), no-extension (run
 * without -d extension), db-down (the database refuses connections), api-down (the parent
 * pointed the server record at a closed port). Whatever the hooks echo goes to stdout (a
 * client page would show it); REPORT_FILE gets JSON: threw, fatal, activity (logActivity
 * calls, recorded even when the database cannot store them), page (the addon page's HTML).
 */

declare(strict_types=1);

const WHMCS_HARNESS_ATTACH = true;

[, $module, $scenario, $idsJson, $reportFile] = $argv;
$ids = json_decode($idsJson, true, 8, JSON_THROW_ON_ERROR);
$repo = dirname(__DIR__, 3);
$report = ['threw' => null, 'fatal' => null, 'activity' => [], 'page' => null, 'fired' => []];

if ($scenario === 'db-down') {
    putenv('WHMCS_DB_HOST=127.0.0.1');
    putenv('WHMCS_DB_PORT=1');
    putenv('WHMCS_DB_SOCKET=');
}
if ($scenario === 'no-other-module') {
    // A WHMCS root holding this module only (a copy): the other module is not under ROOTDIR.
    $root = sys_get_temp_dir() . '/aflexi-hooks-' . bin2hex(random_bytes(6));
    $source = $repo . ($module === 'servers/aflexi' ? '/whmcs-module/modules/' : '/whmcs-addon/modules/') . $module;
    $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($source, FilesystemIterator::SKIP_DOTS), RecursiveIteratorIterator::SELF_FIRST);
    foreach ($files as $file) {
        $target = "$root/modules/$module/" . substr($file->getPathname(), strlen($source) + 1);
        $file->isDir() ? mkdir($target, 0777, true) : (is_dir(dirname($target)) || mkdir(dirname($target), 0777, true)) && copy($file->getPathname(), $target);
    }
    define('ROOTDIR', $root);
}

require $repo . '/tests/whmcs/bootstrap.php';
if (getenv('HARNESS_KEY')) {
    WhmcsHarness\Crypto::useKey((string) getenv('HARNESS_KEY'));
}

register_shutdown_function(static function () use (&$report, $reportFile): void {
    $error = error_get_last();
    if ($error !== null && in_array($error['type'], [E_ERROR, E_PARSE, E_CORE_ERROR, E_COMPILE_ERROR, E_USER_ERROR], true)) {
        $report['fatal'] = $error['message'];
    }
    $report['activity'] = array_map(static fn (array $c): string => (string) $c['args'][0], WhmcsHarness\Whmcs::calls('logActivity'));
    file_put_contents($reportFile, json_encode($report, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE));
});

$payloads = [
    'ClientClose' => ['userid' => $ids['client']],
    'PreDeleteClient' => ['userid' => $ids['client']],
    'ClientDelete' => ['userid' => $ids['client']],
    'EmailPreSend' => ['messagename' => 'Aflexi CDN Welcome Mail', 'relid' => $ids['service']],
    'ProductEdit' => ['pid' => $ids['product']],
    'InvoicePaid' => ['invoiceid' => $ids['invoice']],
    'InvoiceRefunded' => ['invoiceid' => $ids['invoice']],
    'InvoiceCancelled' => ['invoiceid' => $ids['invoice']],
    'InvoiceUnpaid' => ['invoiceid' => $ids['invoice']],
    'ManualRefund' => ['transid' => 'TX-hooks', 'amount' => '1.00'],
    'ClientEdit' => ['userid' => $ids['client'], 'email' => 'changed@example.com', 'olddata' => ['email' => 'before@example.com']],
    'DailyCronJob' => [],
    'AfterCronJob' => [],
];

try {
    (static function (string $file): void {
        include $file;
    })(ROOTDIR . "/modules/$module/hooks.php");
    foreach ($payloads as $point => $vars) {
        if (WhmcsHarness\Hooks::registered($point) !== []) {
            $report['fired'][] = $point;
            run_hook($point, $vars);
        }
    }
    if ($module === 'addons/aflexi_cdn' && $scenario === 'no-other-module') {
        require_once ROOTDIR . "/modules/$module/aflexi_cdn.php";
        ob_start();
        aflexi_cdn_output(['modulelink' => 'addonmodules.php?module=aflexi_cdn', 'version' => '1.0.0', '_lang' => []]);
        $report['page'] = (string) ob_get_clean();
    }
} catch (Throwable $e) {
    $report['threw'] = get_class($e) . ': ' . $e->getMessage();
}
