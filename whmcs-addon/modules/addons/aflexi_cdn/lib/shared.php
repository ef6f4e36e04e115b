<?php
/**
 * Loads the shared library of the `aflexi` server module (namespace
 * WHMCS\Module\Server\Aflexi\): modules/servers/aflexi/lib/autoload.php of this WHMCS
 * (a sibling of modules/addons/), or, when the addon runs from a checkout of the repository
 * through a symlink, the copy in whmcs-module/ beside whmcs-addon/.
 *
 * Never throws: WHMCS includes the addon's files on every page, and a throw there would break
 * the page. aflexi_cdn_shared_problem() says what is missing (null when loaded); hooks.php and
 * the addon page report it instead of working.
 */

declare(strict_types=1);

if (!function_exists('aflexi_cdn_shared_problem')) {
    function aflexi_cdn_shared_problem(): ?string
    {
        static $problem = false;
        if ($problem !== false) {
            return $problem;
        }
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
                return $problem = null;
            }
        }
        return $problem = 'Aflexi CDN: the Aflexi server module (modules/servers/aflexi) is missing, so the addon does nothing; upload it together with the addon.';
    }

    /** Writes a problem to the activity log; nothing may escape from here (no database, no logActivity). */
    function aflexi_cdn_log_problem(string $message): void
    {
        try {
            if (function_exists('logActivity')) {
                logActivity($message);
            }
        } catch (\Throwable) {
            error_log($message);
        }
    }
}

aflexi_cdn_shared_problem();
