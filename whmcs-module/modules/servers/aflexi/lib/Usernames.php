<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * Aflexi keeps a publisher's username as `<local>/<operatorId>`; WHMCS keeps the local part
 * (the naming rules themselves are in the extension: Aflexi\username_for_service).
 */
final class Usernames
{
    /** The local part of a full Aflexi username ("john_example.com_5/3" → "john_example.com_5"). */
    public static function local(string $username): string
    {
        return (string) preg_replace('~/\d+$~', '', trim($username));
    }
}
