<?php
/**
 * The `$params` array WHMCS passes to server module functions (developers.whmcs.com/provisioning-modules/module-parameters).
 *
 * forService(): every function that concerns a service. Passwords arrive DECRYPTED
 * (tblhosting.password, tblservers.password), configoption1..24 are the product's module
 * settings by position, customfields/configoptions are keyed by the name a module sees (the
 * part before a `|`), clientsdetails is the GetClientsDetails client array, serversecure is a
 * bool, and model is the tblhosting Eloquent model (WHMCS\Service\Service). The keys observed
 * in real dumps but not in the doc table (whmcsVersion, accountid, addonId, packageid, status,
 * type, serverhttpprefix) are included.
 *
 * forServer(): TestConnection, ListAccounts and UsageUpdate get only the server's fields (developers.whmcs.com/provisioning-modules/supported-functions).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;
use WHMCS\Database\Capsule;
use WHMCS\Service\Service;

final class Params
{
    /** @return array<string, mixed> */
    public static function forService(int $serviceId): array
    {
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($service === null) {
            throw new RuntimeException("no service $serviceId in tblhosting");
        }
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        if ($product === null) {
            throw new RuntimeException("service $serviceId has no product (packageid {$service->packageid})");
        }
        $server = $service->server ? Capsule::table('tblservers')->where('id', $service->server)->first() : null;

        $params = [
            'whmcsVersion' => Whmcs::VERSION,
            'accountid' => (int) $service->id,
            'serviceid' => (int) $service->id,
            'addonId' => 0,
            'userid' => (int) $service->userid,
            'pid' => (int) $product->id,
            'packageid' => (int) $product->id,
            'serverid' => (int) $service->server,
            'domain' => $service->domain,
            'username' => $service->username,
            'password' => Crypto::decrypt($service->password),
            'producttype' => $product->type,
            'type' => $product->type,
            'moduletype' => $product->servertype,
            'status' => $service->domainstatus,
        ];
        for ($i = 1; $i <= 24; $i++) {
            $params['configoption' . $i] = $product->{'configoption' . $i};
        }
        $params['customfields'] = [];
        foreach (CustomFields::withValues('product', (int) $product->id, $serviceId) as $field) {
            $params['customfields'][$field['name']] = $field['value'];
        }
        $params['configoptions'] = self::configurableOptions($serviceId);
        $params['clientsdetails'] = ClientDetails::forClient((int) $service->userid) ?? [];
        $params['server'] = $server !== null;
        $params += self::serverFields($server);
        $params['model'] = Service::find($serviceId);
        return $params;
    }

    /** @return array<string, mixed> */
    public static function forServer(int $serverId): array
    {
        $server = Capsule::table('tblservers')->where('id', $serverId)->first();
        if ($server === null) {
            throw new RuntimeException("no server $serverId in tblservers");
        }
        return ['serverid' => (int) $server->id] + self::serverFields($server);
    }

    /** @return array<string, mixed> */
    private static function serverFields(?object $server): array
    {
        $secure = $server !== null && $server->secure === 'on';
        return [
            'serverip' => $server->ipaddress ?? '',
            'serverhostname' => $server->hostname ?? '',
            'serverusername' => $server->username ?? '',
            'serverpassword' => $server !== null ? Crypto::decrypt($server->password) : '',
            'serveraccesshash' => $server->accesshash ?? '',
            'serversecure' => $secure,
            'serverhttpprefix' => $secure ? 'https' : 'http',
            'serverport' => $server !== null && $server->port !== null ? (string) $server->port : '',
        ];
    }

    /**
     * Configurable options (customer-chosen, developers.whmcs.com/provisioning-modules/config-options) by option name: the chosen sub-option's name
     * for dropdown/radio, the quantity for yes/no and quantity options.
     *
     * @return array<string, string|int>
     */
    private static function configurableOptions(int $serviceId): array
    {
        $rows = Capsule::table('tblhostingconfigoptions as h')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 'h.configid')
            ->leftJoin('tblproductconfigoptionssub as s', 's.id', '=', 'h.optionid')
            ->where('h.relid', $serviceId)
            ->orderBy('o.order')->orderBy('o.id')
            ->get(['o.optionname', 'o.optiontype', 's.optionname as subname', 'h.qty']);
        $options = [];
        foreach ($rows as $row) {
            $name = CustomFields::systemName($row->optionname);
            $options[$name] = in_array((int) $row->optiontype, [1, 2], true)
                ? CustomFields::systemName((string) $row->subname)
                : (int) $row->qty;
        }
        return $options;
    }
}
