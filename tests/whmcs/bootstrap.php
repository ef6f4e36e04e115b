<?php
/**
 * Bootstrap of the WHMCS stand-in (tests/whmcs/README.md): defines WHMCS and ROOTDIR, the
 * WHMCS classes and global functions modules use, connects WHMCS\Database\Capsule from the
 * WHMCS_DB_* environment (tests/whmcs/mariadb.sh env, or WHMCS_DB_DRIVER=sqlite) and creates
 * the WHMCS tables. Other suites include it from their own bootstrap or phpunit.xml.
 */

declare(strict_types=1);

require_once '/usr/share/php/Illuminate/Database/autoload.php';

spl_autoload_register(static function (string $class): void {
    foreach (['WhmcsHarness\\' => __DIR__ . '/src/', 'WHMCS\\' => __DIR__ . '/src/WHMCS/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require_once $file;
            }
            return;
        }
    }
});

if (!defined('WHMCS')) {
    define('WHMCS', true);
}
if (!defined('ROOTDIR')) {
    define('ROOTDIR', WhmcsHarness\RootDir::create());
}
spl_autoload_register([WhmcsHarness\Modules::class, 'autoload']);

require_once __DIR__ . '/src/functions.php';

WhmcsHarness\Database::boot();
