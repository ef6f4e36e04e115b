<?php
/**
 * ROOTDIR: a temporary directory laid out like a WHMCS installation, so module code that
 * builds paths from ROOTDIR (language files, templates, lib/ classes) finds them. The
 * repository's modules are symlinked into place:
 *
 *   ROOTDIR/modules/servers/<name> -> <repo>/whmcs-module/modules/servers/<name>
 *   ROOTDIR/modules/addons/<name>  -> <repo>/whmcs-addon/modules/addons/<name>
 *
 * (any module folder under whmcs-module/modules or whmcs-addon/modules is linked). Also
 * present: includes/hooks, modules/gateways, lang, templates, templates_c, attachments,
 * downloads, and an empty init.php. It is removed when the PHPUnit process ends (or, if that
 * process was killed, by the next run).
 */

declare(strict_types=1);

namespace WhmcsHarness;

final class RootDir
{
    public const REPO_MODULE_ROOTS = ['whmcs-module/modules', 'whmcs-addon/modules'];

    public static function repo(): string
    {
        return dirname(__DIR__, 3);
    }

    public static function create(): string
    {
        self::removeStale();
        $root = getenv('WHMCS_ROOTDIR') ?: sys_get_temp_dir() . '/whmcs-harness-root-' . getmypid() . '-' . bin2hex(random_bytes(3));
        foreach (['includes/hooks', 'modules/servers', 'modules/addons', 'modules/gateways', 'lang', 'templates',
            'templates_c', 'attachments', 'downloads'] as $dir) {
            if (!is_dir("$root/$dir")) {
                mkdir("$root/$dir", 0777, true);
            }
        }
        if (!is_file("$root/init.php")) {
            file_put_contents("$root/init.php", "<?php\n// WHMCS stand-in: the harness bootstrap has already initialised everything.\n");
        }
        foreach (self::REPO_MODULE_ROOTS as $modules) {
            foreach (glob(self::repo() . "/$modules/*/*", GLOB_ONLYDIR) ?: [] as $moduleDir) {
                $link = $root . '/modules/' . basename(dirname($moduleDir)) . '/' . basename($moduleDir);
                if (!file_exists($link)) {
                    symlink($moduleDir, $link);
                }
            }
        }
        if (!getenv('WHMCS_ROOTDIR')) {
            $owner = getmypid();
            register_shutdown_function(static function () use ($root, $owner): void {
                if (getmypid() === $owner) {
                    self::remove($root);
                }
            });
        }
        return $root;
    }

    /** Removes the roots of PHPUnit processes that are gone without cleaning up (killed, crashed). */
    private static function removeStale(): void
    {
        foreach (glob(sys_get_temp_dir() . '/whmcs-harness-root-*', GLOB_ONLYDIR) ?: [] as $dir) {
            if (preg_match('/whmcs-harness-root-(\d+)-/', $dir, $m) && !file_exists('/proc/' . $m[1])) {
                self::remove($dir);
            }
        }
    }

    private static function remove(string $path): void
    {
        if (is_link($path) || is_file($path)) {
            unlink($path);
            return;
        }
        if (!is_dir($path)) {
            return;
        }
        foreach (scandir($path) ?: [] as $entry) {
            if ($entry !== '.' && $entry !== '..') {
                self::remove("$path/$entry");
            }
        }
        rmdir($path);
    }
}
