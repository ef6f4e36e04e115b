<?php
/**
 * Opening the addon's pages as an admin or a client would (developers.whmcs.com/addon-modules/admin-area-output, developers.whmcs.com/addon-modules/client-area-output, developers.whmcs.com/addon-modules (Access Control)):
 * `addonmodules.php?module=<name>` runs `<name>_output($vars)` and the stand-in returns what
 * it echoed; a POST carries the session's CSRF token unless told not to. The addon must be
 * active and the admin's role listed in its `access` setting, as in WHMCS (otherwise a
 * RuntimeException says what is missing).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;
use WHMCS\Database\Capsule;

final class AddonPage
{
    /** @param array<string, mixed> $query extra query values (module=<name> is added) */
    public static function get(string $module, array $query = [], int $adminId = 1): string
    {
        return self::output($module, $query, [], $adminId);
    }

    /**
     * @param array<string, mixed> $form the submitted form (a valid `token` is added when $withToken)
     * @param array<string, mixed> $query
     */
    public static function post(string $module, array $form, array $query = [], bool $withToken = true, int $adminId = 1): string
    {
        Request::asAdmin($adminId);
        if ($withToken) {
            $form['token'] ??= Csrf::token();
        }
        return self::output($module, $query, $form, $adminId);
    }

    /** What `<name>_sidebar($vars)` returns ('' when the addon has none). */
    public static function sidebar(string $module, int $adminId = 1): string
    {
        self::authorise($module, $adminId);
        $function = $module . '_sidebar';
        return function_exists($function) ? (string) $function(Addon::vars($module)) : '';
    }

    /**
     * `index.php?m=<name>` for a client (or a visitor when $clientId is null): the array
     * `<name>_clientarea($vars)` returns.
     *
     * @return array<string, mixed>
     */
    public static function clientArea(string $module, array $query = [], array $post = [], ?int $clientId = null): array
    {
        self::requireActive($module);
        if ($clientId !== null) {
            Request::asClient($clientId);
        }
        Request::set(['m' => $module] + $query, $post);
        $function = $module . '_clientarea';
        if (!function_exists($function)) {
            throw new RuntimeException("$function is not defined");
        }
        return (array) $function(Addon::vars($module, 'client'));
    }

    private static function output(string $module, array $query, array $post, int $adminId): string
    {
        self::authorise($module, $adminId);
        Request::set(['module' => $module] + $query, $post);
        $function = $module . '_output';
        if (!function_exists($function)) {
            throw new RuntimeException("$function is not defined");
        }
        $vars = Addon::vars($module);
        return Request::capture(static fn () => $function($vars));
    }

    private static function authorise(string $module, int $adminId): void
    {
        self::requireActive($module);
        Request::asAdmin($adminId);
        $roleId = Capsule::table('tbladmins')->where('id', $adminId)->value('roleid');
        $access = (string) Capsule::table('tbladdonmodules')->where('module', $module)->where('setting', 'access')->value('value');
        if ($roleId === null || !in_array((string) $roleId, array_map('trim', explode(',', $access)), true)) {
            throw new RuntimeException("admin $adminId (role " . var_export($roleId, true) . ") is not allowed into $module (access '$access')");
        }
    }

    private static function requireActive(string $module): void
    {
        Modules::loadAddon($module);
        if (!Capsule::table('tbladdonmodules')->where('module', $module)->where('setting', 'version')->exists()) {
            throw new RuntimeException("addon $module is not active: call Addon::activate('$module', [...]) first");
        }
    }
}
