<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * The one reader of a WHMCS server record's credentials (tblservers) for code that runs
 * outside a module call: the module's hooks (Connection::fromServerId) and the addon
 * (Settings::connectionParams, the cPanel servers of Cpanel). It hands the row over the way
 * WHMCS hands a server to a module in $params, so that Connection::fromParams serves both.
 */
final class ServerCredentials
{
    public const TYPE = 'aflexi';

    /** The tblservers row of a server record, or null when there is none. */
    public static function row(int $serverId): ?\stdClass
    {
        $row = $serverId > 0 ? Capsule::table('tblservers')->where('id', $serverId)->first() : null;
        return $row === null ? null : (object) (array) $row;
    }

    /** Whether a tblservers row is a server record of this module (type aflexi). */
    public static function isAflexi(\stdClass $row): bool
    {
        return strtolower((string) ($row->type ?? '')) === self::TYPE;
    }

    /**
     * The row as WHMCS hands a server to a module: the server* fields of $params, the password
     * decrypted, the access hash as stored.
     *
     * @return array<string, mixed>
     */
    public static function params(\stdClass $row): array
    {
        return [
            'serverid' => (int) $row->id,
            'serverhostname' => (string) ($row->hostname ?? ''),
            'serverip' => (string) ($row->ipaddress ?? ''),
            'serversecure' => (string) ($row->secure ?? ''),
            'serverusername' => (string) ($row->username ?? ''),
            'serverpassword' => self::password((string) ($row->password ?? '')),
            'serveraccesshash' => (string) ($row->accesshash ?? ''),
        ];
    }

    /**
     * A tblservers.password as WHMCS decrypts it. Only the password: WHMCS stores the access
     * hash as entered.
     */
    public static function password(string $stored): string
    {
        return $stored === '' ? '' : (string) decrypt($stored);
    }
}
