<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

/**
 * The name a WHMCS client's publisher gets on Aflexi, the one rule for the module's Create and
 * the addon's sync (and the name the addon's publisher list shows): "First Last", else the
 * company, else the e-mail address, so that a publisher never gets an empty name.
 */
final class ClientName
{
    /** From tblclients fields as WHMCS stores them (HTML-encoded: Text::decoded). */
    public static function of(mixed $firstname, mixed $lastname, mixed $companyname, mixed $email): string
    {
        $name = trim(Text::decoded($firstname ?? '') . ' ' . Text::decoded($lastname ?? ''));
        if ($name !== '') {
            return $name;
        }
        $company = Text::decoded($companyname ?? '');
        return $company !== '' ? $company : Text::decoded($email ?? '');
    }
}
