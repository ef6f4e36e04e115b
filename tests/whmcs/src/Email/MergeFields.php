<?php
/**
 * The merge fields WHMCS gives an email template, built from the database for the template's
 * type and related id (tests/whmcs/README.md#merge-fields, developers.whmcs.com/api-reference/sendemail): general -> client id, product -> service id (plus the
 * owning client), invoice -> invoice id (plus the client); every type gets the general
 * fields company_name, signature, whmcs_url, whmcs_link. Amounts are formatted with the
 * client's currency; dates are left as Y-m-d (WHMCS formats them per its date setting).
 * `client_custom_fields` / `service_custom_fields` are keyed by custom field id (a guess; tests/whmcs/README.md#merge-fields
 * only shows `.N`). domain, support and affiliate types are not modelled (null = not found).
 */

declare(strict_types=1);

namespace WhmcsHarness\Email;

use WHMCS\Database\Capsule;
use WhmcsHarness\Config;
use WhmcsHarness\Crypto;
use WhmcsHarness\CustomFields;
use WhmcsHarness\Money;

final class MergeFields
{
    /** @return array<string, mixed>|null null when the related entity does not exist */
    public static function build(string $type, int $relId): ?array
    {
        return match ($type) {
            'general' => self::withGeneral(self::client($relId)),
            'product' => self::withGeneral(self::service($relId)),
            'invoice' => self::withGeneral(self::invoice($relId)),
            default => null,
        };
    }

    /** @return array<string, mixed>|null */
    public static function client(int $clientId): ?array
    {
        $c = Capsule::table('tblclients')->where('id', $clientId)->first();
        if ($c === null) {
            return null;
        }
        $customFields = [];
        foreach (CustomFields::withValues('client', 0, $clientId) as $field) {
            $customFields[$field['id']] = $field['value'];
        }
        return [
            'client_id' => (int) $c->id,
            'client_name' => trim($c->firstname . ' ' . $c->lastname),
            'client_first_name' => $c->firstname,
            'client_last_name' => $c->lastname,
            'client_company_name' => $c->companyname,
            'client_email' => $c->email,
            'client_address1' => $c->address1,
            'client_address2' => $c->address2,
            'client_city' => $c->city,
            'client_state' => $c->state,
            'client_postcode' => $c->postcode,
            'client_country' => $c->country,
            'client_phonenumber' => $c->phonenumber,
            'client_credit' => Money::withCurrency($c->credit, (int) $c->currency),
            'client_group_name' => '',
            'client_custom_fields' => $customFields,
            'client_status' => $c->status,
            'client_language' => $c->language,
        ];
    }

    /** @return array<string, mixed>|null */
    private static function service(int $serviceId): ?array
    {
        $s = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($s === null) {
            return null;
        }
        $client = self::client((int) $s->userid) ?? [];
        $product = Capsule::table('tblproducts')->where('id', $s->packageid)->first();
        $server = Capsule::table('tblservers')->where('id', $s->server)->first();
        $currency = (int) Capsule::table('tblclients')->where('id', $s->userid)->value('currency');
        $customFields = [];
        foreach (CustomFields::withValues('product', (int) $s->packageid, $serviceId) as $field) {
            $customFields[$field['id']] = $field['value'];
        }
        return $client + [
            'service_order_id' => (int) $s->orderid,
            'service_id' => (int) $s->id,
            'service_reg_date' => $s->regdate,
            'service_product_name' => $product->name ?? '',
            'service_product_description' => $product->description ?? '',
            'service_domain' => $s->domain,
            'service_config_options' => [],
            'service_server_name' => $server->name ?? '',
            'service_server_hostname' => $server->hostname ?? '',
            'service_server_ip' => $server->ipaddress ?? '',
            'service_dedicated_ip' => $s->dedicatedip,
            'service_assigned_ips' => $s->assignedips,
            'service_ns1' => $s->ns1,
            'service_ns2' => $s->ns2,
            'service_first_payment_amount' => Money::withCurrency($s->firstpaymentamount, $currency),
            'service_recurring_amount' => Money::withCurrency($s->amount, $currency),
            'service_billing_cycle' => $s->billingcycle,
            'service_next_due_date' => $s->nextduedate,
            'service_status' => $s->domainstatus,
            'service_suspension_reason' => $s->suspendreason,
            'service_username' => $s->username,
            'service_password' => Crypto::decrypt($s->password),
            'service_custom_fields' => $customFields,
        ];
    }

    /** @return array<string, mixed>|null */
    private static function invoice(int $invoiceId): ?array
    {
        $i = Capsule::table('tblinvoices')->where('id', $invoiceId)->first();
        if ($i === null) {
            return null;
        }
        $client = self::client((int) $i->userid) ?? [];
        $currency = (int) Capsule::table('tblclients')->where('id', $i->userid)->value('currency');
        $paid = (float) Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->sum('amountin')
            - (float) Capsule::table('tblaccounts')->where('invoiceid', $invoiceId)->sum('amountout');
        return $client + [
            'invoice_id' => (int) $i->id,
            'invoice_num' => $i->invoicenum !== '' ? $i->invoicenum : (string) $i->id,
            'invoice_date_created' => $i->date,
            'invoice_date_due' => $i->duedate,
            'invoice_date_paid' => $i->datepaid,
            'invoice_subtotal' => Money::withCurrency($i->subtotal, $currency),
            'invoice_credit' => Money::withCurrency($i->credit, $currency),
            'invoice_tax' => Money::withCurrency($i->tax, $currency),
            'invoice_total' => Money::withCurrency($i->total, $currency),
            'invoice_balance' => Money::withCurrency(max(0, (float) $i->total - (float) $i->credit - $paid), $currency),
            'invoice_status' => $i->status,
            'invoice_payment_method' => $i->paymentmethod,
        ];
    }

    /** @param array<string, mixed>|null $fields */
    private static function withGeneral(?array $fields): ?array
    {
        if ($fields === null) {
            return null;
        }
        $url = Config::get('SystemURL');
        return $fields + [
            'company_name' => Config::get('CompanyName'),
            'signature' => Config::get('Signature'),
            'whmcs_url' => $url,
            'whmcs_link' => '<a href="' . htmlspecialchars($url, ENT_QUOTES) . '">' . htmlspecialchars($url, ENT_QUOTES) . '</a>',
        ];
    }
}
