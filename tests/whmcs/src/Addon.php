<?php
/**
 * An addon module as WHMCS drives it (developers.whmcs.com/addon-modules).
 *
 * - activate(): what Setup > Addon Modules > Activate does: loads the module, calls
 *   `<name>_activate()` when defined, and (unless it reports 'error') stores the settings
 *   rows in tbladdonmodules: `version` (from `_config`), `access` (admin role ids) and one row
 *   per config field (its Default, or the value given).
 * - configure(): writes setting rows only (as saving the addon's configuration does).
 * - vars(): the `$vars` of `_output`, `_sidebar`, `_clientarea`: every tbladdonmodules
 *   setting of the module, `modulelink`, `version`, `_lang` ($_ADDONLANG from
 *   lang/<language>.php, the `language` of `_config`, default english).
 *
 * Password-type fields: whether WHMCS encrypts them in tbladdonmodules is uncertain (tests/whmcs/README.md#addon-settings). By
 * default the stand-in stores them encrypted and hands them to `$vars` decrypted; pass
 * $encryptPasswords = false to store them plain and test the other reading.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Addon
{
    /**
     * @param array<string, scalar> $settings field values overriding the Defaults
     * @param string $access comma-separated admin role ids allowed into the addon (developers.whmcs.com/addon-modules (Access Control))
     * @return mixed what `_activate()` returned (['status' => 'success'] if it is not defined)
     */
    public static function activate(string $name, array $settings = [], string $access = '1', bool $encryptPasswords = true): mixed
    {
        Modules::loadAddon($name);
        $activate = $name . '_activate';
        $result = function_exists($activate) ? $activate() : ['status' => 'success', 'description' => ''];
        if (is_array($result) && ($result['status'] ?? '') === 'error') {
            return $result;
        }
        $values = [];
        foreach (self::config($name)['fields'] ?? [] as $key => $field) {
            $values[$key] = $field['Default'] ?? '';
        }
        self::configure($name, array_merge($values, $settings, [
            'version' => (string) (self::config($name)['version'] ?? ''),
            'access' => $access,
        ]), $encryptPasswords);
        return $result;
    }

    /** @param array<string, scalar> $settings setting => value (upserted) */
    public static function configure(string $name, array $settings, bool $encryptPasswords = true): void
    {
        $fields = self::config($name)['fields'] ?? [];
        foreach ($settings as $setting => $value) {
            $value = (string) $value;
            if ($encryptPasswords && ($fields[$setting]['Type'] ?? '') === 'password') {
                $value = Crypto::encrypt($value);
            }
            Capsule::table('tbladdonmodules')->updateOrInsert(['module' => $name, 'setting' => $setting], ['value' => $value]);
        }
    }

    /**
     * @param string $area 'admin' (modulelink addonmodules.php?module=<name>) or 'client' (index.php?m=<name>)
     * @return array<string, mixed>
     */
    public static function vars(string $name, string $area = 'admin'): array
    {
        Modules::loadAddon($name);
        $config = self::config($name);
        $fields = $config['fields'] ?? [];
        $vars = [];
        foreach (Capsule::table('tbladdonmodules')->where('module', $name)->orderBy('id')->get() as $row) {
            $value = $row->value;
            if (($fields[$row->setting]['Type'] ?? '') === 'password') {
                // Encrypted by configure() unless told otherwise: stored plain is the other reading of tests/whmcs/README.md#addon-settings.
                $value = Crypto::isCiphertext($value) ? Crypto::decrypt($value) : $value;
            }
            $vars[$row->setting] = $value;
        }
        $vars['modulelink'] = $area === 'client' ? "index.php?m=$name" : "addonmodules.php?module=$name";
        $vars['version'] ??= (string) ($config['version'] ?? '');
        $vars['_lang'] = self::language($name, (string) ($config['language'] ?? 'english'));
        return $vars;
    }

    /** @return array<string, mixed> the module's `_config()` */
    public static function config(string $name): array
    {
        Modules::loadAddon($name);
        $function = $name . '_config';
        return function_exists($function) ? $function() : [];
    }

    /** @return array<string, string> */
    private static function language(string $name, string $language): array
    {
        $file = Modules::path('addons', $name) . "/lang/$language.php";
        if (!is_file($file)) {
            $file = Modules::path('addons', $name) . '/lang/english.php';
        }
        if (!is_file($file)) {
            return [];
        }
        $_ADDONLANG = [];
        include $file;
        return $_ADDONLANG;
    }
}
