<?php
/**
 * A client as WHMCS presents it to modules and API callers: the `client` array of
 * GetClientsDetails (developers.whmcs.com/api/internal-api; developer docs example response) which is also
 * `$params['clientsdetails']` (developers.whmcs.com/provisioning-modules/module-parameters). Built from tblclients, tblcurrencies and the client
 * custom fields. Left out: `users` (8.0 logins, no tblusers here), `stats`,
 * `email_preferences`, phone formatting; `countryname` is the country code.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ClientDetails
{
    /** @return array<string, mixed>|null null when the client does not exist */
    public static function forClient(int $clientId): ?array
    {
        $c = Capsule::table('tblclients')->where('id', $clientId)->first();
        if ($c === null) {
            return null;
        }
        $currencyCode = (string) Capsule::table('tblcurrencies')->where('id', $c->currency)->value('code');
        $details = [
            'client_id' => (int) $c->id,
            'userid' => (int) $c->id,
            'id' => (int) $c->id,
            'uuid' => $c->uuid,
            'firstname' => $c->firstname,
            'lastname' => $c->lastname,
            'fullname' => trim($c->firstname . ' ' . $c->lastname),
            'companyname' => $c->companyname,
            'email' => $c->email,
            'address1' => $c->address1,
            'address2' => $c->address2,
            'city' => $c->city,
            'fullstate' => $c->state,
            'state' => $c->state,
            'statecode' => $c->state,
            'postcode' => $c->postcode,
            'countrycode' => $c->country,
            'country' => $c->country,
            'countryname' => $c->country,
            'phonenumber' => $c->phonenumber,
            'tax_id' => $c->tax_id,
            'billingcid' => (int) $c->billingcid,
            'notes' => $c->notes,
            'currency' => (int) $c->currency,
            'currency_code' => $currencyCode,
            'defaultgateway' => $c->defaultgateway,
            'groupid' => (int) $c->groupid,
            'status' => $c->status,
            'credit' => Money::format($c->credit),
            'taxexempt' => (bool) $c->taxexempt,
            'latefeeoveride' => (bool) $c->latefeeoveride,
            'overideduenotices' => (bool) $c->overideduenotices,
            'separateinvoices' => (bool) $c->separateinvoices,
            'disableautocc' => (bool) $c->disableautocc,
            'emailoptout' => (bool) $c->emailoptout,
            'marketing_emails_opt_in' => (bool) $c->marketing_emails_opt_in,
            'overrideautoclose' => (bool) $c->overrideautoclose,
            'allowSingleSignOn' => (int) $c->allow_sso,
            'email_verified' => (bool) $c->email_verified,
            'language' => $c->language,
            'lastlogin' => (string) $c->lastlogin,
            'customfields' => [],
        ];
        foreach (CustomFields::withValues('client', 0, $clientId) as $i => $field) {
            $details['customfields'][] = ['id' => $field['id'], 'value' => $field['value']];
            $details['customfields' . ($i + 1)] = $field['value'];
        }
        return $details;
    }
}
