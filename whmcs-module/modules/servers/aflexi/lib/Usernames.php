<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * Aflexi keeps a publisher's username as `<local>/<operatorId>`; WHMCS keeps the local part.
 * The naming rules and the split are the extension's (Aflexi\username_for_service,
 * Aflexi\username_parts): nothing here parses a username.
 */
final class Usernames
{
    /** The local part of a full Aflexi username ("john_example.com_5/3" → "john_example.com_5"). */
    public static function local(string $username): string
    {
        return (string) \Aflexi\username_parts($username)['local'];
    }
}
