<?php
/**
 * WHMCS's general settings (tblconfiguration: setting => value), e.g. CompanyName, SystemURL,
 * ModuleDebugMode, AutoUnsuspend.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Config
{
    public static function get(string $setting): string
    {
        return (string) Capsule::table('tblconfiguration')->where('setting', $setting)->value('value');
    }

    public static function set(string $setting, string $value): void
    {
        Capsule::table('tblconfiguration')->updateOrInsert(['setting' => $setting], ['value' => $value]);
    }
}
