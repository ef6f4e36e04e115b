<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * What an operation on one WHMCS service needs to know, read from a module call's $params or,
 * for hooks and the addon, from the WHMCS tables. The naming rules themselves are the
 * extension's (Aflexi\username_for_service, Aflexi\package_name).
 */
final class ServiceData
{
    public function __construct(
        public readonly int $serviceId,
        public readonly int $clientId,
        public readonly int $productId,
        public readonly int $serverId,
        /** tblhosting.username: empty before the first Create unless WHMCS made one from the domain. */
        public readonly string $username,
        /** tblhosting.password, decrypted. */
        public readonly string $password,
        public readonly string $email,
        /** The publisher's display name (ClientName::of). */
        public readonly string $clientName,
        /** The product's "Package name" module setting (configoption1). */
        public readonly string $packageSetting,
        public readonly string $productName,
        public readonly string $status = '',
    ) {
    }

    /** From a module call's $params (WHMCS hands the service password decrypted). */
    public static function fromParams(array $params): self
    {
        $client = is_array($params['clientsdetails'] ?? null) ? $params['clientsdetails'] : [];
        $productId = (int) ($params['pid'] ?? $params['packageid'] ?? 0);
        return new self(
            (int) ($params['serviceid'] ?? $params['accountid'] ?? 0),
            (int) ($params['userid'] ?? $client['userid'] ?? $client['id'] ?? 0),
            $productId,
            (int) ($params['serverid'] ?? 0),
            trim((string) ($params['username'] ?? '')),
            (string) ($params['password'] ?? ''),
            Text::decoded($client['email'] ?? ''),
            ClientName::of($client['firstname'] ?? '', $client['lastname'] ?? '', $client['companyname'] ?? '', $client['email'] ?? ''),
            trim((string) ($params['configoption1'] ?? '')),
            self::productName($productId),
            (string) ($params['status'] ?? ''),
        );
    }

    /** From the WHMCS tables (tblhosting, tblproducts, tblclients); null if the service is gone. */
    public static function fromServiceId(int $serviceId): ?self
    {
        $row = Capsule::table('tblhosting as h')
            ->leftJoin('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->leftJoin('tblclients as c', 'c.id', '=', 'h.userid')
            ->where('h.id', $serviceId)
            ->select([
                'h.id', 'h.userid', 'h.packageid', 'h.server', 'h.username', 'h.password', 'h.domainstatus',
                'p.name as product_name', 'p.configoption1',
                'c.email', 'c.firstname', 'c.lastname', 'c.companyname',
            ])
            ->first();
        if ($row === null) {
            return null;
        }
        $stored = (string) ($row->password ?? '');
        return new self(
            (int) $row->id,
            (int) $row->userid,
            (int) $row->packageid,
            (int) $row->server,
            trim((string) $row->username),
            $stored === '' ? '' : (string) decrypt($stored),
            Text::decoded($row->email ?? ''),
            ClientName::of($row->firstname, $row->lastname, $row->companyname, $row->email),
            trim((string) ($row->configoption1 ?? '')),
            Text::decoded($row->product_name ?? ''),
            (string) $row->domainstatus,
        );
    }

    /**
     * A service known only from its record (its WHMCS rows are gone, e.g. after the client
     * was deleted): enough to act on the recorded publisher.
     */
    public static function fromRecord(\stdClass $record): self
    {
        return new self(
            (int) $record->service_id,
            (int) $record->client_id,
            0,
            (int) $record->server_id,
            (string) $record->username,
            '',
            '',
            '',
            (string) $record->package,
            '',
        );
    }

    /**
     * The ids of a client's services provisioned by this module that may have a CDN account:
     * services of products whose module is aflexi in status Active or Suspended, and any
     * service whose record says its publisher is not terminated (WHMCS may already have
     * marked the services Cancelled when it closes a client).
     *
     * @return list<int>
     */
    public static function aflexiServiceIdsOfClient(int $clientId, PublisherRecords $records): array
    {
        $ids = Capsule::table('tblhosting as h')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->where('h.userid', $clientId)
            ->where('p.servertype', 'aflexi')
            ->whereIn('h.domainstatus', ['Active', 'Suspended'])
            ->orderBy('h.id')
            ->pluck('h.id')
            ->map(static fn ($id): int => (int) $id)
            ->all();
        $ids = array_merge($ids, array_keys($records->liveForClient($clientId)));
        $ids = array_values(array_unique($ids));
        sort($ids);
        return $ids;
    }

    /** The Aflexi username (local part) of this service, by the naming rule of the extension. */
    public function aflexiUsername(): string
    {
        if ($this->email === '' && $this->username === '') {
            throw new ModuleError(sprintf(
                'Aflexi CDN: the client #%d of service #%d has no e-mail address, which Aflexi requires (the CDN username is made from it when the service has none). Add an e-mail address to the client profile, then run the action again.',
                $this->clientId,
                $this->serviceId
            ));
        }
        return \Aflexi\username_for_service($this->username, $this->email, $this->serviceId);
    }

    /** The Aflexi package name of this service, by the naming rule of the extension. */
    public function packageName(): string
    {
        return \Aflexi\package_name($this->packageSetting, '', $this->productName);
    }

    /** The publisher's display name: "First Last", else the company, else the e-mail address (ClientName). */
    public function displayName(): string
    {
        return $this->clientName;
    }

    private static function productName(int $productId): string
    {
        if ($productId <= 0) {
            return '';
        }
        return Text::decoded(Capsule::table('tblproducts')->where('id', $productId)->value('name') ?? '');
    }
}
