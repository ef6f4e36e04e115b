<?php
/**
 * Loading modules the way WHMCS does: the module file from ROOTDIR/modules/<type>/<name>/
 * (symlinked from the repository, see RootDir), then its hooks.php when there is one, with
 * the hooks attributed to the module (Hooks::loadingFrom), and WHMCS's module class
 * autoloading: `WHMCS\Module\Server\<StudlyName>\X` from modules/servers/<name>/lib/X.php and
 * `WHMCS\Module\Addon\<StudlyName>\X` from modules/addons/<name>/lib/X.php
 * (developer docs, modules/module-class-autoloading; `aflexi_cdn` -> `AflexiCdn`).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;

final class Modules
{
    /** Loads modules/servers/<name>/<name>.php and its hooks.php (once). */
    public static function loadServer(string $name): void
    {
        self::load('servers', 'server', $name);
    }

    /** Loads modules/addons/<name>/<name>.php and its hooks.php (once). */
    public static function loadAddon(string $name): void
    {
        self::load('addons', 'addon', $name);
    }

    /**
     * The `<module>_<function>` a WHMCS core action would call, loading the module file first
     * if it exists and the function is not defined yet; null when the module lacks it.
     */
    public static function serverFunction(string $module, string $function): ?string
    {
        $name = $module . '_' . $function;
        if (!function_exists($name) && is_file(self::path('servers', $module) . "/$module.php")) {
            self::loadServer($module);
        }
        return function_exists($name) ? $name : null;
    }

    /** The module's folder under ROOTDIR. */
    public static function path(string $type, string $name): string
    {
        return ROOTDIR . "/modules/$type/$name";
    }

    /** WHMCS's module class autoloader (registered by the bootstrap). */
    public static function autoload(string $class): void
    {
        if (!preg_match('/^WHMCS\\\\Module\\\\(Server|Addon)\\\\([A-Za-z0-9]+)\\\\(.+)$/', $class, $m)) {
            return;
        }
        $type = $m[1] === 'Server' ? 'servers' : 'addons';
        foreach (glob(ROOTDIR . "/modules/$type/*", GLOB_ONLYDIR) ?: [] as $dir) {
            if (self::studly(basename($dir)) === $m[2]) {
                $file = $dir . '/lib/' . str_replace('\\', '/', $m[3]) . '.php';
                if (is_file($file)) {
                    require_once $file;
                }
                return;
            }
        }
    }

    public static function studly(string $name): string
    {
        return str_replace(' ', '', ucwords(str_replace(['_', '-'], ' ', $name)));
    }

    private static function load(string $type, string $kind, string $name): void
    {
        $dir = self::path($type, $name);
        $main = "$dir/$name.php";
        if (!is_file($main)) {
            throw new RuntimeException("module $name not found at $main (expected in the repository under "
                . implode(' or ', array_map(static fn (string $r): string => "$r/$type/$name/", RootDir::REPO_MODULE_ROOTS)) . ')');
        }
        Hooks::loadingFrom("$kind:$name", static function () use ($dir, $main): void {
            require_once $main;
            if (is_file("$dir/hooks.php")) {
                require_once "$dir/hooks.php";
            }
        });
    }
}
