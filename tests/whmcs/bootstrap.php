<?php
/**
 * Bootstrap of the WHMCS stand-in (tests/whmcs/README.md): defines WHMCS and ROOTDIR, the
 * WHMCS classes and global functions modules use, connects WHMCS\Database\Capsule from the
 * WHMCS_DB_* environment (tests/whmcs/mariadb.sh env, or WHMCS_DB_DRIVER=sqlite) and creates
 * the WHMCS tables. Other suites include it from their own bootstrap or phpunit.xml.
 * With the constant WHMCS_HARNESS_ATTACH defined true, it connects without touching the data.
 *
 * Illuminate is the 7.12 that WHMCS 8.x bundles (tests/whmcs/illuminate-7.12.php) unless
 * WHMCS_ILLUMINATE=8.83 asks for Debian's php-illuminate-database, the second leg of the suites
 * (a WHMCS 9 may bundle a newer one): the modules must live in what both versions offer.
 */

declare(strict_types=1);

const WHMCS_ILLUMINATE_VERSIONS = [
    '7.12' => __DIR__ . '/illuminate-7.12.php',
    '8.83' => '/usr/share/php/Illuminate/Database/autoload.php',
];
if (!defined('WHMCS_ILLUMINATE')) {
    define('WHMCS_ILLUMINATE', getenv('WHMCS_ILLUMINATE') ?: '7.12');
}
if (!isset(WHMCS_ILLUMINATE_VERSIONS[WHMCS_ILLUMINATE])) {
    throw new RuntimeException('WHMCS_ILLUMINATE must be one of ' . implode(', ', array_keys(WHMCS_ILLUMINATE_VERSIONS)));
}
require_once WHMCS_ILLUMINATE_VERSIONS[WHMCS_ILLUMINATE];

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

// A second process working on the data of a first one (a page served by `php -S`, a child
// process of a test) defines WHMCS_HARNESS_ATTACH first: the database is used as it is.
if (defined('WHMCS_HARNESS_ATTACH') && WHMCS_HARNESS_ATTACH) {
    WhmcsHarness\Database::attach();
} else {
    WhmcsHarness\Database::boot();
}
