<?php
/**
 * Builders for WHMCS records. Each takes column => value overrides (any real column of the
 * table; a typo fails loudly in strict mode) and returns the new id. Defaults describe a
 * plausible Aflexi CDN shop; missing parents are created (a service without `userid` gets a
 * new client, without `packageid` a new product, without `server` the first server of the
 * product's module type or a new one).
 *
 * Passwords are given in PLAIN text (`password` of server() and service()) and stored
 * encrypted, as WHMCS stores them.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;
use WHMCS\Database\Capsule;

final class Fixtures
{
    /** Billing cycle WHMCS shows for each paytype. */
    public const BILLING_CYCLES = ['free' => 'Free Account', 'onetime' => 'One Time', 'recurring' => 'Monthly'];

    private static int $seq = 0;

    /** tblservers; `password` is plain text (stored encrypted), `secure` 'on' or ''. */
    public static function server(array $o = []): int
    {
        $o += [
            'name' => 'Aflexi Portal', 'type' => 'aflexi', 'hostname' => 'portal.aflexi.test', 'ipaddress' => '127.0.0.1',
            'username' => 'operator', 'password' => 'server-secret', 'accesshash' => '', 'secure' => 'on',
            'active' => 1, 'disabled' => 0,
        ];
        $o['password'] = Crypto::encrypt((string) $o['password']);
        return self::insert('tblservers', $o);
    }

    public static function productGroup(array $o = []): int
    {
        return self::insert('tblproductgroups', $o + ['name' => 'CDN']);
    }

    /**
     * tblproducts. Extra keys:
     * - `configoptions`: list of module settings stored as configoption1, configoption2, ...
     * - `pricing`: tblpricing columns (monthly, annually, msetupfee...) in the default currency;
     *   recurring products default to 10.00 monthly, one-time to 10.00 (in `monthly`, as
     *   WHMCS stores it), free products get no pricing row; cycles not given are -1 (off).
     * - `welcomeemail`: a template id or a template name.
     */
    public static function product(array $o = []): int
    {
        $configOptions = $o['configoptions'] ?? [];
        $pricing = $o['pricing'] ?? null;
        unset($o['configoptions'], $o['pricing']);
        foreach (array_values($configOptions) as $i => $value) {
            $o['configoption' . ($i + 1)] = $value;
        }
        if (isset($o['welcomeemail']) && !is_int($o['welcomeemail'])) {
            $o['welcomeemail'] = (int) Capsule::table('tblemailtemplates')->where('name', $o['welcomeemail'])->value('id')
                ?: throw new RuntimeException("no email template named {$o['welcomeemail']}");
        }
        $o += ['type' => 'other', 'name' => 'CDN Starter', 'servertype' => 'aflexi', 'paytype' => 'recurring'];
        $o['gid'] ??= self::productGroup();
        $id = self::insert('tblproducts', $o);
        if ($pricing === null && $o['paytype'] !== 'free') {
            $pricing = ['monthly' => 10.00];
        }
        if ($pricing !== null) {
            $cycles = ['monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'];
            Capsule::table('tblpricing')->insert($pricing + ['type' => 'product', 'currency' => 1, 'relid' => $id]
                + array_fill_keys($cycles, -1));
        }
        return $id;
    }

    /** tblclients: a Test Client with a unique email; pass 'email' => '' for a client without one. */
    public static function client(array $o = []): int
    {
        $n = ++self::$seq;
        return self::insert('tblclients', $o + [
            'uuid' => self::uuid(), 'firstname' => 'Test', 'lastname' => 'Client', 'email' => "client$n@example.com",
            'address1' => '1 Test Street', 'city' => 'Testville', 'state' => 'Test', 'postcode' => 'TE1 1ST',
            'country' => 'GB', 'phonenumber' => '01234567890', 'currency' => 1, 'status' => 'Active',
            'datecreated' => date('Y-m-d'),
        ]);
    }

    /**
     * tblhosting. `password` is plain text (stored encrypted). Defaults: status Pending,
     * billing cycle and amounts from the product's paytype and monthly price.
     */
    public static function service(array $o = []): int
    {
        $o['userid'] ??= self::client();
        $o['packageid'] ??= self::product();
        $product = Capsule::table('tblproducts')->where('id', $o['packageid'])->first();
        if ($product === null) {
            throw new RuntimeException("no product {$o['packageid']}");
        }
        if (!isset($o['server']) && $product->servertype !== '') {
            $o['server'] = (int) Capsule::table('tblservers')->where('type', $product->servertype)->orderBy('id')->value('id')
                ?: self::server(['type' => $product->servertype]);
        }
        $price = (float) Capsule::table('tblpricing')->where('type', 'product')->where('relid', $product->id)->value('monthly');
        $recurring = $product->paytype === 'recurring';
        $o += [
            'regdate' => date('Y-m-d'),
            'domainstatus' => 'Pending',
            'billingcycle' => self::BILLING_CYCLES[$product->paytype],
            'paymentmethod' => 'mailin',
            'firstpaymentamount' => max(0.0, $price),
            'amount' => $recurring ? max(0.0, $price) : 0.0,
            'nextduedate' => $recurring ? date('Y-m-d', strtotime('+1 month')) : '0000-00-00',
        ];
        $o['nextinvoicedate'] ??= $o['nextduedate'];
        $o['password'] = isset($o['password']) && $o['password'] !== '' ? Crypto::encrypt((string) $o['password']) : '';
        return self::insert('tblhosting', $o);
    }

    /** tblorders for a client (a new one when `userid` is missing). */
    public static function order(array $o = []): int
    {
        $o['userid'] ??= self::client();
        return self::insert('tblorders', $o + [
            'ordernum' => random_int(1000000000, 9999999999), 'date' => date('Y-m-d H:i:s'),
            'paymentmethod' => 'mailin', 'status' => 'Pending', 'ipaddress' => '127.0.0.1',
        ]);
    }

    /**
     * tblinvoices with its tblinvoiceitems. Each item: type ('Hosting', 'Addon', ...), relid,
     * amount, optional description/taxed. subtotal and total are computed from the items;
     * `userid` defaults to the owner of the first item's service or addon.
     *
     * @param list<array<string, mixed>> $items
     */
    public static function invoice(array $o = [], array $items = []): int
    {
        $o['userid'] ??= self::ownerOf($items[0] ?? []) ?? self::client();
        $subtotal = array_sum(array_map(static fn (array $i): float => (float) ($i['amount'] ?? 0), $items));
        $o += [
            'date' => date('Y-m-d'), 'duedate' => date('Y-m-d'), 'status' => 'Unpaid', 'paymentmethod' => 'mailin',
            'subtotal' => $subtotal,
        ];
        $o['total'] ??= max(0.0, (float) $o['subtotal'] + (float) ($o['tax'] ?? 0) + (float) ($o['tax2'] ?? 0) - (float) ($o['credit'] ?? 0));
        $id = self::insert('tblinvoices', $o);
        foreach ($items as $item) {
            self::insert('tblinvoiceitems', $item + [
                'invoiceid' => $id, 'userid' => $o['userid'], 'type' => 'Hosting', 'relid' => 0,
                'description' => ($item['type'] ?? 'Hosting') . ' #' . ($item['relid'] ?? 0), 'amount' => 0,
                'duedate' => $o['duedate'], 'paymentmethod' => $o['paymentmethod'],
            ]);
        }
        return $id;
    }

    /** An Unpaid invoice with one Hosting line for the service (amount: its first payment amount). */
    public static function invoiceForService(int $serviceId, ?float $amount = null, array $o = []): int
    {
        $amount ??= (float) Capsule::table('tblhosting')->where('id', $serviceId)->value('firstpaymentamount');
        return self::invoice($o, [['type' => 'Hosting', 'relid' => $serviceId, 'amount' => $amount]]);
    }

    /** tblaccounts (a payment: amountin, transid, gateway, invoiceid). */
    public static function transaction(array $o = []): int
    {
        $n = ++self::$seq;
        if (!isset($o['userid']) && isset($o['invoiceid'])) {
            $o['userid'] = (int) Capsule::table('tblinvoices')->where('id', $o['invoiceid'])->value('userid');
        }
        return self::insert('tblaccounts', $o + [
            'gateway' => 'mailin', 'date' => date('Y-m-d H:i:s'), 'description' => 'Invoice Payment',
            'transid' => "TX-$n", 'amountin' => 0,
        ]);
    }

    /**
     * tbladdons (a product addon definition); `packages` is a comma-separated list of pids.
     * Every column is given (a real install has no defaults there), as the Product Addons page
     * saves a recurring addon: billingcycle is one of 'free', 'onetime', 'recurring'.
     */
    public static function productAddon(array $o = []): int
    {
        $now = date('Y-m-d H:i:s');
        $columns = array_flip(Capsule::schema()->getColumnListing('tbladdons')); // allowqty, prorate: 8.x only
        return self::insert('tbladdons', array_intersect_key($o + [
            'packages' => '', 'name' => 'CDN Bandwidth Pack', 'description' => '', 'billingcycle' => 'recurring',
            'tax' => 0, 'showorder' => 1, 'downloads' => '', 'autoactivate' => '', 'suspendproduct' => 0,
            'welcomeemail' => 0, 'type' => '', 'module' => '', 'server_group_id' => 0, 'weight' => 0,
            'autolinkby' => '', 'hidden' => 0, 'retired' => 0, 'allowqty' => 0, 'prorate' => 0, 'created_at' => $now, 'updated_at' => $now,
        ], $columns));
    }

    /** tblhostingaddons (an addon on a client's service; a new service when `hostingid` is missing). */
    public static function clientAddon(array $o = []): int
    {
        $o['hostingid'] ??= self::service();
        $o['userid'] ??= (int) Capsule::table('tblhosting')->where('id', $o['hostingid'])->value('userid');
        return self::insert('tblhostingaddons', $o + [
            'status' => 'Pending', 'regdate' => date('Y-m-d'), 'billingcycle' => 'Monthly', 'paymentmethod' => 'mailin',
        ]);
    }

    /** tblemailtemplates (default: a product template in the default language). */
    public static function emailTemplate(array $o = []): int
    {
        $n = ++self::$seq;
        return self::insert('tblemailtemplates', $o + [
            'type' => 'product', 'name' => "Harness Template $n", 'subject' => 'Your service',
            'message' => '<p>Dear {$client_name},</p>', 'custom' => 1, 'language' => '',
            'attachments' => '', 'fromname' => '', 'fromemail' => '', 'disabled' => 0, 'copyto' => '',
            'blind_copy_to' => '', 'plaintext' => 0,
        ]);
    }

    /** tblcustomfields (default: a text field of product `relid`). */
    public static function customField(array $o = []): int
    {
        return self::insert('tblcustomfields', $o + ['type' => 'product', 'fieldtype' => 'text']);
    }

    public static function customFieldValue(int $fieldId, int $relId, string $value): void
    {
        CustomFields::setValue($fieldId, $relId, $value);
    }

    /**
     * A configurable option chosen on a service (developers.whmcs.com/provisioning-modules/config-options: `$params['configoptions'][name]`):
     * 'dropdown'/'radio' with the chosen option name, or 'yesno'/'quantity' with a number.
     *
     * @return int the tblproductconfigoptions id
     */
    public static function configurableOption(int $serviceId, string $name, string|int $value, string $type = 'dropdown'): int
    {
        $types = ['dropdown' => 1, 'radio' => 2, 'yesno' => 3, 'quantity' => 4];
        $configId = self::insert('tblproductconfigoptions', ['optionname' => $name, 'optiontype' => $types[$type]]);
        $link = ['relid' => $serviceId, 'configid' => $configId, 'optionid' => 0, 'qty' => 0];
        if ($types[$type] <= 2) {
            $link['optionid'] = self::insert('tblproductconfigoptionssub', ['configid' => $configId, 'optionname' => (string) $value]);
        } else {
            $link['qty'] = (int) $value;
        }
        self::insert('tblhostingconfigoptions', $link);
        return $configId;
    }

    /** tbladmins (role 1 = full admin; the baseline already has admin id 1). */
    public static function admin(array $o = []): int
    {
        $n = ++self::$seq;
        return self::insert('tbladmins', $o + ['uuid' => self::uuid(), 'roleid' => 1, 'username' => "admin$n", 'email' => "admin$n@whmcs.test"]);
    }

    /** A tblconfiguration setting (e.g. ModuleDebugMode '' to switch module logging off). */
    public static function config(string $setting, string $value): void
    {
        Config::set($setting, $value);
    }

    private static function ownerOf(array $item): ?int
    {
        $table = match ($item['type'] ?? null) {
            'Hosting' => 'tblhosting',
            'Addon' => 'tblhostingaddons',
            default => null,
        };
        $owner = $table === null ? null : Capsule::table($table)->where('id', $item['relid'] ?? 0)->value('userid');
        return $owner === null ? null : (int) $owner;
    }

    private static function insert(string $table, array $row): int
    {
        return (int) Capsule::table($table)->insertGetId($row);
    }

    private static function uuid(): string
    {
        $hex = bin2hex(random_bytes(16));
        return sprintf('%s-%s-4%s-%x%s-%s', substr($hex, 0, 8), substr($hex, 8, 4), substr($hex, 13, 3),
            8 | (hexdec($hex[16]) & 3), substr($hex, 17, 3), substr($hex, 20, 12));
    }
}
