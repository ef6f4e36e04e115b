<?php
/**
 * The one autoloader of Aflexi CDN's PHP, for both WHMCS modules:
 *
 *   WHMCS\Module\Server\Aflexi\X   → this folder (the shared library: records, schema, server
 *                                    credentials, names, messages, the extension wrapper, ...)
 *   WHMCS\Module\Addon\AflexiCdn\X → ROOTDIR/modules/addons/aflexi_cdn/lib (the addon's classes)
 *
 * The server module (aflexi.php, hooks.php) requires this file by its own path; the addon
 * aflexi_cdn requires it through ROOTDIR (its lib/shared.php), since WHMCS installs both
 * modules side by side under ROOTDIR/modules. WHMCS's own module class autoloading would find
 * the same files; registering ours keeps them working outside WHMCS too (tests, CLI scripts,
 * which define ROOTDIR as the WHMCS folder for the addon's classes).
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $folders = ['WHMCS\\Module\\Server\\Aflexi\\' => __DIR__];
    if (defined('ROOTDIR')) {
        $folders['WHMCS\\Module\\Addon\\AflexiCdn\\'] = ROOTDIR . '/modules/addons/aflexi_cdn/lib';
    }
    foreach ($folders as $prefix => $folder) {
        if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
            continue;
        }
        $relative = substr($class, strlen($prefix));
        if ($relative === '' || preg_match('/^[A-Za-z0-9_\\\\]+$/', $relative) !== 1) {
            return;
        }
        $file = $folder . '/' . str_replace('\\', '/', $relative) . '.php';
        if (is_file($file)) {
            require_once $file;
        }
        return;
    }
});

if (!defined('AFLEXI_MODULE_VERSION')) {
    /** The module's version; the PHP extension `aflexi` must report the same (see Extension). */
    define('AFLEXI_MODULE_VERSION', \WHMCS\Module\Server\Aflexi\Version::VERSION);
}
