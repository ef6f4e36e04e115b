<?php
/**
 * The username and password WHMCS gives a service just before CreateAccount when it has none
 * (developers.whmcs.com/provisioning-modules/module-parameters), unless the module's MetaData sets `AutoGenerateUsernameAndPassword` to false.
 *
 * Username (setting GenerateRandomUsername, "Enable Random Usernames" in Configuration >
 * System Settings > General Settings > Ordering, https://docs.whmcs.com/General_Settings):
 *  - setting off: the domain lower-cased, every character outside a-z dropped, its first 8
 *    letters; while a service already has that username, the last characters give way to a
 *    counter (examplec, example1, example2, ..., exampl10), at most 99 tries, after which
 *    WHMCS logs an activity line recommending random usernames and leaves it empty;
 *  - setting off and no domain: empty (the module decides);
 *  - setting on: 8 random lower-case letters, domain or not.
 * WHMCS also counts product-addon custom fields named "Username" as taken; the stand-in
 * counts tblhosting only (the modules do not use addon usernames).
 * Password: 10 letters and digits when the service has none (length is the stand-in's).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ServiceCredentials
{
    private const MAX_TRIES = 99;

    /** Fills in what WHMCS would for a service about to be created, unless the module opts out. */
    public static function beforeCreate(object $service, string $module): void
    {
        $meta = Modules::serverFunction($module, 'MetaData');
        $metaData = $meta !== null ? (array) $meta() : [];
        if (($metaData['AutoGenerateUsernameAndPassword'] ?? true) === false) {
            return;
        }
        $changes = [];
        if ((string) $service->username === '') {
            $username = self::username((string) $service->domain);
            if ($username !== '') {
                $changes['username'] = $username;
            }
        }
        if ((string) $service->password === '') {
            $changes['password'] = Crypto::encrypt(self::randomString(10, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'));
        }
        if ($changes !== []) {
            Capsule::table('tblhosting')->where('id', $service->id)->update($changes);
        }
    }

    /** WHMCS's username for a new service of this domain ('' when it makes none). */
    public static function username(string $domain): string
    {
        $random = Config::get('GenerateRandomUsername') !== '';
        if ($random) {
            return self::randomString(8, 'abcdefghijklmnopqrstuvwxyz');
        }
        if ($domain === '') {
            return '';
        }
        $base = substr((string) preg_replace('/[^a-z]/', '', strtolower($domain)), 0, 8);
        if ($base === '') {
            return '';
        }
        $candidate = $base;
        for ($n = 1; self::taken($candidate); $n++) {
            if ($n > self::MAX_TRIES) {
                ActivityLog::log("Error: Unable to generate unique username for $domain. WHMCS recommends enabling \"Enable Random Usernames\" in Configuration > General Settings > Ordering.");
                return '';
            }
            $candidate = substr($base, 0, 8 - strlen((string) $n)) . $n;
        }
        return $candidate;
    }

    private static function taken(string $username): bool
    {
        return Capsule::table('tblhosting')->where('username', $username)->exists();
    }

    private static function randomString(int $length, string $alphabet): string
    {
        $out = '';
        for ($i = 0; $i < $length; $i++) {
            $out .= $alphabet[random_int(0, strlen($alphabet) - 1)];
        }
        return $out;
    }
}
