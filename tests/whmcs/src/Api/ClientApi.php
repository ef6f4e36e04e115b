<?php
/**
 * GetClientsDetails, GetClientsProducts, UpdateClientProduct, GetClientsAddons and CloseClient (developers.whmcs.com/api/internal-api;
 * shapes and value types follow the developer docs' example responses).
 *
 * Faithful points a module can trip over: GetClientsProducts returns at most `limitnum`
 * services (default 25) with `totalresults` counting all matches; UpdateClientProduct takes
 * the plain `servicepassword` and stores it encrypted, takes `customfields` as
 * base64(serialize([fieldid => value])) (a plain array is accepted too), and fires no hooks.
 */

declare(strict_types=1);

namespace WhmcsHarness\Api;

use WHMCS\Database\Capsule;
use WhmcsHarness\Actions;
use WhmcsHarness\ClientDetails;
use WhmcsHarness\Crypto;
use WhmcsHarness\CustomFields;
use WhmcsHarness\Money;
use WhmcsHarness\Schema;

final class ClientApi
{
    public const PRODUCTS_DEFAULT_LIMIT = 25;

    /** `clientid` or `email`; the client array, plus its deprecated top-level copy. */
    public static function getClientsDetails(array $v): array
    {
        $clientId = (int) ($v['clientid'] ?? 0);
        if ($clientId <= 0 && empty($v['email'])) {
            return self::error('Either clientid Or email Is Required');
        }
        if ($clientId <= 0) {
            $clientId = (int) Capsule::table('tblclients')->where('email', (string) $v['email'])->value('id');
        }
        $client = ClientDetails::forClient($clientId);
        if ($client === null) {
            return self::error('Client Not Found');
        }
        return array_merge(['result' => 'success'], $client, ['client' => $client]);
    }

    /** Filters clientid, serviceid, pid, domain, username2; paging limitstart (0) / limitnum (25). */
    public static function getClientsProducts(array $v): array
    {
        $query = Capsule::table('tblhosting');
        foreach (['clientid' => 'userid', 'serviceid' => 'id', 'pid' => 'packageid', 'domain' => 'domain', 'username2' => 'username'] as $param => $column) {
            if (isset($v[$param]) && $v[$param] !== '') {
                $query->where($column, $v[$param]);
            }
        }
        $total = $query->count();
        $start = max(0, (int) ($v['limitstart'] ?? 0));
        $limit = isset($v['limitnum']) && (int) $v['limitnum'] > 0 ? (int) $v['limitnum'] : self::PRODUCTS_DEFAULT_LIMIT;
        $products = array_map([self::class, 'product'], $query->orderBy('id')->offset($start)->limit($limit)->get()->all());
        return [
            'result' => 'success',
            'clientid' => $v['clientid'] ?? null,
            'serviceid' => $v['serviceid'] ?? null,
            'pid' => $v['pid'] ?? null,
            'domain' => $v['domain'] ?? null,
            'totalresults' => (string) $total,
            'startnumber' => $start,
            'numreturned' => count($products),
            'products' => ['product' => $products],
        ];
    }

    /** `serviceid` plus any column parameter; errors "Service ID Not Found". */
    public static function updateClientProduct(array $v): array
    {
        $serviceId = (int) ($v['serviceid'] ?? 0);
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($service === null) {
            return self::error('Service ID Not Found');
        }
        $columns = [
            'pid' => 'packageid', 'serverid' => 'server', 'regdate' => 'regdate', 'nextduedate' => 'nextduedate',
            'terminationdate' => 'termination_date', 'domain' => 'domain', 'firstpaymentamount' => 'firstpaymentamount',
            'recurringamount' => 'amount', 'paymentmethod' => 'paymentmethod', 'billingcycle' => 'billingcycle',
            'subscriptionid' => 'subscriptionid', 'status' => 'domainstatus', 'notes' => 'notes',
            'serviceusername' => 'username', 'servicepassword' => 'password', 'overidesuspenduntil' => 'overidesuspenduntil',
            'ns1' => 'ns1', 'ns2' => 'ns2', 'dedicatedip' => 'dedicatedip', 'assignedips' => 'assignedips',
            'diskusage' => 'diskusage', 'disklimit' => 'disklimit', 'bwusage' => 'bwusage', 'bwlimit' => 'bwlimit',
            'suspendreason' => 'suspendreason', 'promoid' => 'promoid',
        ];
        $changes = [];
        foreach ($columns as $param => $column) {
            if (array_key_exists($param, $v)) {
                $changes[$column] = $v[$param];
            }
        }
        if (isset($changes['domainstatus']) && !in_array($changes['domainstatus'], Schema::SERVICE_STATUSES, true)) {
            return self::error('Invalid Status. Valid statuses are: ' . implode(', ', Schema::SERVICE_STATUSES));
        }
        if (isset($changes['nextduedate'])) {
            $changes['nextinvoicedate'] = $changes['nextduedate'];
        }
        if (isset($v['overideautosuspend'])) {
            $changes['overideautosuspend'] = in_array($v['overideautosuspend'], ['on', '1', 1, true], true) ? 1 : 0;
        }
        foreach ((array) ($v['unset'] ?? []) as $param) {
            if (isset($columns[$param])) {
                $changes[$columns[$param]] = '';
            }
        }
        if (isset($changes['password']) && $changes['password'] !== '') {
            $changes['password'] = Crypto::encrypt((string) $changes['password']);
        }
        if ($changes !== []) {
            Capsule::table('tblhosting')->where('id', $serviceId)->update($changes);
        }
        foreach (self::serializedArray($v['customfields'] ?? null) as $fieldId => $value) {
            CustomFields::setValue((int) $fieldId, $serviceId, (string) $value);
        }
        foreach (self::serializedArray($v['configoptions'] ?? null) as $configId => $choice) {
            $row = is_array($choice) ? ['optionid' => (int) ($choice['optionid'] ?? 0), 'qty' => (int) ($choice['qty'] ?? 0)] : ['optionid' => (int) $choice];
            Capsule::table('tblhostingconfigoptions')->updateOrInsert(['relid' => $serviceId, 'configid' => (int) $configId], $row);
        }
        return ['result' => 'success', 'serviceid' => (string) $serviceId];
    }

    /** Filters serviceid (one id or a comma-separated list), clientid, addonid. */
    public static function getClientsAddons(array $v): array
    {
        $query = Capsule::table('tblhostingaddons as ha')->leftJoin('tbladdons as a', 'a.id', '=', 'ha.addonid');
        if (isset($v['serviceid']) && $v['serviceid'] !== '') {
            $query->whereIn('ha.hostingid', array_map('intval', explode(',', (string) $v['serviceid'])));
        }
        if (isset($v['clientid']) && $v['clientid'] !== '') {
            $query->where('ha.userid', (int) $v['clientid']);
        }
        if (isset($v['addonid']) && $v['addonid'] !== '') {
            $query->where('ha.addonid', (int) $v['addonid']);
        }
        $addons = [];
        foreach ($query->orderBy('ha.id')->get(['ha.*', 'a.name as addonname']) as $row) {
            $addons[] = [
                'id' => (string) $row->id,
                'qty' => (string) $row->qty,
                'userid' => (string) $row->userid,
                'orderid' => (string) $row->orderid,
                'serviceid' => (string) $row->hostingid,
                'addonid' => (string) $row->addonid,
                'name' => $row->name !== '' ? $row->name : (string) $row->addonname,
                'setupfee' => Money::format($row->setupfee),
                'recurring' => Money::format($row->recurring),
                'billingcycle' => $row->billingcycle,
                'tax' => $row->tax,
                'status' => $row->status,
                'regdate' => $row->regdate,
                'nextduedate' => $row->nextduedate,
                'nextinvoicedate' => $row->nextinvoicedate,
                'paymentmethod' => $row->paymentmethod,
                'paymentmethodname' => $row->paymentmethod,
                'notes' => $row->notes,
            ];
        }
        return [
            'result' => 'success',
            'serviceid' => (string) ($v['serviceid'] ?? ''),
            'clientid' => (string) ($v['clientid'] ?? ''),
            'totalresults' => (string) count($addons),
            'addons' => ['addon' => $addons],
        ];
    }

    /** CloseClient: `clientid`; see Actions::closeClient (fires ClientClose). */
    public static function closeClient(array $v): array
    {
        $clientId = (int) ($v['clientid'] ?? 0);
        if (!Capsule::table('tblclients')->where('id', $clientId)->exists()) {
            return self::error('Client ID Not Found');
        }
        Actions::closeClient($clientId);
        return ['result' => 'success', 'clientid' => $clientId];
    }

    /** @return array<string, mixed> one `products.product[]` entry */
    private static function product(object $s): array
    {
        $product = Capsule::table('tblproducts')->where('id', $s->packageid)->first();
        $group = $product ? Capsule::table('tblproductgroups')->where('id', $product->gid)->first() : null;
        $server = Capsule::table('tblservers')->where('id', $s->server)->first();
        $customFields = [];
        foreach (CustomFields::withValues('product', (int) $s->packageid, (int) $s->id) as $field) {
            $customFields[] = ['id' => (string) $field['id'], 'name' => $field['name'], 'translated_name' => $field['name'], 'value' => $field['value']];
        }
        return [
            'id' => (string) $s->id,
            'qty' => (string) $s->qty,
            'clientid' => (string) $s->userid,
            'orderid' => (string) $s->orderid,
            'ordernumber' => (string) Capsule::table('tblorders')->where('id', $s->orderid)->value('ordernum'),
            'pid' => (string) $s->packageid,
            'regdate' => $s->regdate,
            'name' => $product->name ?? '',
            'translated_name' => $product->name ?? '',
            'groupname' => $group->name ?? '',
            'translated_groupname' => $group->name ?? '',
            'domain' => $s->domain,
            'dedicatedip' => $s->dedicatedip,
            'serverid' => (string) $s->server,
            'servername' => $server->name ?? '',
            'serverip' => $server->ipaddress ?? '',
            'serverhostname' => $server->hostname ?? '',
            'suspensionreason' => $s->suspendreason,
            'firstpaymentamount' => Money::format($s->firstpaymentamount),
            'recurringamount' => Money::format($s->amount),
            'paymentmethod' => $s->paymentmethod,
            'paymentmethodname' => $s->paymentmethod,
            'billingcycle' => $s->billingcycle,
            'nextduedate' => $s->nextduedate,
            'status' => $s->domainstatus,
            'username' => $s->username,
            'password' => Crypto::decrypt($s->password),
            'subscriptionid' => $s->subscriptionid,
            'promoid' => (string) $s->promoid,
            'overideautosuspend' => $s->overideautosuspend ? 'on' : '',
            'overidesuspenduntil' => $s->overidesuspenduntil,
            'ns1' => $s->ns1,
            'ns2' => $s->ns2,
            'assignedips' => $s->assignedips,
            'notes' => $s->notes,
            'diskusage' => (string) $s->diskusage,
            'disklimit' => (string) $s->disklimit,
            'bwusage' => (string) $s->bwusage,
            'bwlimit' => (string) $s->bwlimit,
            'lastupdate' => $s->lastupdate,
            'customfields' => ['customfield' => $customFields],
            'configoptions' => ['configoption' => self::configOptions((int) $s->id)],
        ];
    }

    /** @return list<array{id: string, option: string, type: string, value: string}> */
    private static function configOptions(int $serviceId): array
    {
        $types = [1 => 'dropdown', 2 => 'radio', 3 => 'yesno', 4 => 'quantity'];
        $rows = Capsule::table('tblhostingconfigoptions as h')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 'h.configid')
            ->leftJoin('tblproductconfigoptionssub as s', 's.id', '=', 'h.optionid')
            ->where('h.relid', $serviceId)->orderBy('o.order')->orderBy('o.id')
            ->get(['o.id', 'o.optionname', 'o.optiontype', 's.optionname as subname', 'h.qty']);
        $out = [];
        foreach ($rows as $row) {
            $type = $types[(int) $row->optiontype] ?? 'dropdown';
            $out[] = [
                'id' => (string) $row->id,
                'option' => CustomFields::systemName($row->optionname),
                'type' => $type,
                'value' => in_array($type, ['dropdown', 'radio'], true) ? CustomFields::systemName((string) $row->subname) : (string) $row->qty,
            ];
        }
        return $out;
    }

    /** A "base64 encoded serialized array" parameter (developers.whmcs.com/api/internal-api), or a plain array. */
    private static function serializedArray(mixed $raw): array
    {
        if (is_array($raw)) {
            return $raw;
        }
        if (!is_string($raw) || $raw === '') {
            return [];
        }
        $decoded = base64_decode($raw, true);
        $value = $decoded === false ? false : @unserialize($decoded, ['allowed_classes' => false]);
        return is_array($value) ? $value : [];
    }

    private static function error(string $message): array
    {
        return ['result' => 'error', 'message' => $message];
    }
}
