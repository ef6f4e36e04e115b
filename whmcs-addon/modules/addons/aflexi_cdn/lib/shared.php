<?php
/**
 * Loads Aflexi CDN's shared PHP library, which lives in the `aflexi` server module:
 * ROOTDIR/modules/servers/aflexi/lib/autoload.php, the one autoloader of both modules (it also
 * loads this addon's classes). ROOTDIR is the constant WHMCS defines as its root folder
 * before it loads modules and hooks (the stand-in tests/whmcs/bootstrap.php defines it the
 * same way); the package installs modules/servers/aflexi and modules/addons/aflexi_cdn side by
 * side under it (scripts/dist.sh, packaging/install.sh). A script outside WHMCS defines
 * ROOTDIR as the WHMCS folder first.
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
        if (!defined('ROOTDIR')) {
            return $problem = 'Aflexi CDN: ROOTDIR is not defined, so the Aflexi server module (modules/servers/aflexi) cannot be found and the addon does nothing; WHMCS defines it, a script outside WHMCS must define it as the WHMCS folder first.';
        }
        $file = ROOTDIR . '/modules/servers/aflexi/lib/autoload.php';
        if (!is_file($file)) {
            return $problem = 'Aflexi CDN: the Aflexi server module (modules/servers/aflexi) is missing, so the addon does nothing; upload it together with the addon.';
        }
        require_once $file;
        return $problem = null;
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
