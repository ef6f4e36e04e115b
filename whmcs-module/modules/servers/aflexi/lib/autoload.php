<?php
/**
 * Autoloader of the shared Aflexi classes, namespace WHMCS\Module\Server\Aflexi\ → this folder.
 *
 * The server module (aflexi.php, hooks.php) and the addon aflexi_cdn both `require_once` this
 * file, so the classes are found whichever of them is loaded first, and neither copies the
 * other's code. WHMCS's own module autoloading would find the same files; registering our own
 * keeps working outside WHMCS too (tests, CLI scripts).
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Server\\Aflexi\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $relative = substr($class, strlen($prefix));
    if ($relative === '' || preg_match('/^[A-Za-z0-9_\\\\]+$/', $relative) !== 1) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', $relative) . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});

if (!defined('AFLEXI_MODULE_VERSION')) {
    /** The module's version; the PHP extension `aflexi` must report the same (see Extension). */
    define('AFLEXI_MODULE_VERSION', \WHMCS\Module\Server\Aflexi\Version::VERSION);
}
