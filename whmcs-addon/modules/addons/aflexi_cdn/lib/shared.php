<?php
/**
 * Loads the shared library of the `aflexi` server module (namespace
 * WHMCS\Module\Server\Aflexi\): modules/servers/aflexi/lib/autoload.php of this WHMCS
 * (a sibling of modules/addons/), or, when the addon runs from a checkout of the repository
 * through a symlink, the copy in whmcs-module/ beside whmcs-addon/.
 */

declare(strict_types=1);

(static function (): void {
    $candidates = [
        __DIR__ . '/../../../servers/aflexi/lib/autoload.php',
        __DIR__ . '/../../../../../whmcs-module/modules/servers/aflexi/lib/autoload.php',
    ];
    if (defined('ROOTDIR')) {
        array_unshift($candidates, ROOTDIR . '/modules/servers/aflexi/lib/autoload.php');
    }
    foreach ($candidates as $file) {
        if (is_file($file)) {
            require_once $file;
            return;
        }
    }
    throw new \RuntimeException('Aflexi CDN: the Aflexi server module (modules/servers/aflexi) is missing; upload it with the addon.');
})();
