<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\ClientName;
use WHMCS\Module\Server\Aflexi\Text;

/**
 * Who gets CDN, read from WHMCS: the desired publishers handed to the sync engine
 * (README.md of whmcs-addon states the rule).
 *
 * This class reads the facts of each service (product CDN-enabled and free, service and
 * client status, hold, latest invoice, the "Aflexi CDN" product addon, a publisher on record)
 * and the extension decides (Aflexi\entitlement, whose rule is aflexi-core's entitlement.rs):
 * entitled services are desired Active; a service that is not entitled but has a
 * synchronized publisher is desired Suspended with the reason; one that never had a
 * publisher is left out (free products and their users are not synchronized).
 *
 * The username is sticky: once a service has a publisher, the recorded username is used (an
 * e-mail change must not create a second publisher); before that it is
 * Aflexi\username_for_addon(service username, client e-mail). The package is
 * Aflexi\package_name('', hosting package (configoption1 of a provisioning module), product name).
 */
final class Desired
{
    /** Clients read per batch (their services are synchronized in one engine call). */
    public const CLIENT_BATCH = 2000;

    /** @var array<int, true> */
    private array $enabled;
    /** @var array<int, true> */
    private array $free;
    private int $addonId;
    private bool $addonPriced;

    public function __construct()
    {
        Schema::ensure();
        $this->enabled = Catalog::enabled();
        $this->free = Catalog::free(array_keys($this->enabled));
        $this->addonId = Catalog::addonId();
        $this->addonPriced = Catalog::addonPriced($this->addonId);
    }

    /** Whether anything can concern CDN at all (no enabled product and no publisher: hooks return at once). */
    public function anything(): bool
    {
        return $this->enabled !== [] || Capsule::table(Schema::PUBLISHERS)->exists();
    }

    /**
     * Every desired publisher, batch by batch (clients in id order from above $afterClient,
     * then publishers whose service is gone). Bounded memory whatever the number of services.
     *
     * @return \Generator<int, DesiredSet>
     */
    public function all(int $afterClient = 0): \Generator
    {
        $lastClient = $afterClient;
        while (true) {
            $clients = $this->candidateClients($lastClient, self::CLIENT_BATCH);
            if ($clients === []) {
                break;
            }
            $lastClient = end($clients);
            $set = $this->forClients($clients);
            $set->lastClient = $lastClient;
            yield $set;
        }
        yield $this->orphans();
    }

    /**
     * The desired publishers of these clients' services. Services in $suspend are desired
     * Suspended whatever the rule says (the hook's event has not reached the tables yet).
     *
     * @param list<int> $clientIds
     * @param array<int, string> $suspend service id => reason
     */
    public function forClients(array $clientIds, array $suspend = []): DesiredSet
    {
        $set = new DesiredSet();
        if ($clientIds === []) {
            return $set;
        }
        $enabled = self::enabledIds();
        $rows = Capsule::table('tblhosting as h')
            ->join('tblproducts as p', 'p.id', '=', 'h.packageid')
            ->leftJoin('tblclients as c', 'c.id', '=', 'h.userid')
            ->leftJoin(Schema::PUBLISHERS . ' as r', 'r.service_id', '=', 'h.id')
            ->whereIn('h.userid', $clientIds)
            ->where(static function ($q) use ($enabled): void {
                $q->whereIn('h.packageid', $enabled)->orWhereNotNull('r.service_id');
            })
            ->orderBy('h.userid')->orderBy('h.id')
            ->select([
                'h.id', 'h.userid', 'h.packageid', 'h.username', 'h.domainstatus',
                'p.name as product_name', 'p.servertype', 'p.configoption1',
                'c.email', 'c.firstname', 'c.lastname', 'c.companyname', 'c.status as client_status',
                'r.service_id as record', 'r.username as record_username', 'r.package as record_package', 'r.hold',
                'r.publisher_id as record_publisher', 'r.pending_password as record_pending',
            ])
            ->get()->all();
        $serviceIds = array_map(static fn ($r): int => (int) $r->id, $rows);
        $invoices = $this->latestInvoices($serviceIds);
        $withAddon = $this->addonPriced ? $this->activeAddon($serviceIds) : [];

        foreach ($rows as $row) {
            $id = (int) $row->id;
            $decision = $this->entitlement($row, $suspend[$id] ?? null, $invoices[$id] ?? null, isset($withAddon[$id]));
            if ($decision['desired'] === null) {
                continue;
            }
            $why = $decision['message'];
            $email = Text::decoded($row->email ?? '');
            $name = ClientName::of($row->firstname, $row->lastname, $row->companyname, $row->email);
            $hosting = trim((string) ($row->servertype ?? '')) !== '' ? Text::decoded($row->configoption1 ?? '') : '';
            $key = (string) $id;
            try {
                $username = trim((string) $row->record_username) !== ''
                    ? (string) $row->record_username
                    : \Aflexi\username_for_addon(Text::decoded($row->username ?? ''), $email);
                $package = \Aflexi\package_name('', $hosting, Text::decoded($row->product_name ?? ''));
            } catch (\Aflexi\Exception $e) {
                $set->problem($key, (int) $row->userid, 'Aflexi CDN: service #' . $id . ' cannot be synchronized: ' . $e->getMessage());
                continue;
            }
            $set->add([
                'key' => $key,
                'username' => $username,
                'email' => $email,
                'name' => $name,
                'package' => $package,
                'status' => (string) $decision['desired'],
            ], (int) $row->userid, $why);
            if ($why === null && $row->record_publisher === null) {
                $set->unconfirmed[$key] = (string) ($row->record_pending ?? '');
            }
        }
        return $set;
    }

    /** Publishers still active on record whose WHMCS service is gone (deleted client or service): Suspended. */
    public function orphans(): DesiredSet
    {
        $set = new DesiredSet();
        $rows = Capsule::table(Schema::PUBLISHERS . ' as r')
            ->leftJoin('tblhosting as h', 'h.id', '=', 'r.service_id')
            ->whereNull('h.id')
            ->where('r.status', 'ACTIVE')
            ->where('r.username', '!=', '')
            ->orderBy('r.service_id')
            ->select(['r.service_id', 'r.client_id', 'r.username', 'r.package'])
            ->get();
        foreach ($rows as $row) {
            $set->add([
                'key' => (string) $row->service_id,
                'username' => (string) $row->username,
                'email' => '',
                'name' => '',
                'package' => (string) $row->package !== '' ? (string) $row->package : 'default',
                'status' => 'Suspended',
            ], (int) $row->client_id, 'the service no longer exists in WHMCS');
        }
        return $set;
    }

    /**
     * About how many services a sync goes through (for a progress bar): the services of the
     * enabled products and the other services on record. Two counts instead of reading every
     * batch; it can be high (services not entitled and never synchronized are skipped).
     */
    public function estimate(): int
    {
        $enabled = self::enabledIds();
        $services = Capsule::table('tblhosting')->whereIn('packageid', $enabled)->count();
        $others = Capsule::table(Schema::PUBLISHERS . ' as r')->leftJoin('tblhosting as h', 'h.id', '=', 'r.service_id')
            ->where(static function ($q) use ($enabled): void {
                $q->whereNull('h.id')->orWhereNotIn('h.packageid', $enabled);
            })->count();
        return $services + $others;
    }

    /**
     * The CDN-enabled product ids as a subquery: no list of ids in the statement, whatever
     * the number of products (MariaDB refuses more than 65,535 placeholders).
     */
    private static function enabledIds(): \Closure
    {
        return static function ($q): void {
            $q->select('product_id')->from(Schema::PRODUCTS);
        };
    }

    /**
     * Client ids above $after that have a service of an enabled product or a synchronized
     * publisher, ascending, at most $limit.
     *
     * @return list<int>
     */
    public function candidateClients(int $after, int $limit): array
    {
        $fromServices = $this->enabled === [] ? [] : Capsule::table('tblhosting')->whereIn('packageid', self::enabledIds())
            ->where('userid', '>', $after)->distinct()->orderBy('userid')->limit($limit)->pluck('userid')->all();
        $fromRecords = Capsule::table(Schema::PUBLISHERS)->where('client_id', '>', $after)
            ->distinct()->orderBy('client_id')->limit($limit)->pluck('client_id')->all();
        $ids = array_values(array_unique(array_map('intval', array_merge($fromServices, $fromRecords))));
        sort($ids);
        return array_slice($ids, 0, $limit);
    }

    /**
     * The extension's decision for a service row (Aflexi\entitlement): desired Active,
     * Suspended with the reason, or null (left out).
     *
     * @param ?string $event why a hook event suspends it now (null: none)
     * @param ?array{0: int, 1: string} $invoice its latest invoice: id, status
     * @return array{desired: ?string, reason: ?string, message: ?string}
     */
    private function entitlement(object $row, ?string $event, ?array $invoice, bool $addonActive): array
    {
        $pid = (int) $row->packageid;
        return \Aflexi\entitlement([
            'suspend_event' => $event,
            'cdn_enabled' => isset($this->enabled[$pid]),
            'product_free' => isset($this->free[$pid]),
            'service_status' => (string) $row->domainstatus,
            'client_status' => $row->client_status === null ? null : (string) $row->client_status,
            'hold' => $row->hold === null ? null : (string) $row->hold,
            'latest_invoice_id' => $invoice[0] ?? null,
            'latest_invoice_status' => $invoice[1] ?? null,
            'addon_required' => $this->addonPriced,
            'addon_active' => $addonActive,
            'synchronized' => $row->record !== null,
        ]);
    }

    /**
     * The latest invoice (highest id) of each service among the Hosting lines of the service
     * and the Addon lines of its "Aflexi CDN" addon: [invoice id, status] by service id.
     *
     * @param list<int> $serviceIds
     * @return array<int, array{0: int, 1: string}>
     */
    private function latestInvoices(array $serviceIds): array
    {
        if ($serviceIds === []) {
            return [];
        }
        $latest = [];
        $note = static function (int $serviceId, int $invoiceId, string $status) use (&$latest): void {
            if (!isset($latest[$serviceId]) || $latest[$serviceId][0] < $invoiceId) {
                $latest[$serviceId] = [$invoiceId, $status];
            }
        };
        $hosting = Capsule::table('tblinvoiceitems as ii')->join('tblinvoices as i', 'i.id', '=', 'ii.invoiceid')
            ->where('ii.type', 'Hosting')->whereIn('ii.relid', $serviceIds)
            ->select(['ii.relid', 'i.id', 'i.status'])->get();
        foreach ($hosting as $item) {
            $note((int) $item->relid, (int) $item->id, (string) $item->status);
        }
        if ($this->addonId > 0) {
            $addons = Capsule::table('tblhostingaddons')->where('addonid', $this->addonId)
                ->whereIn('hostingid', $serviceIds)->pluck('hostingid', 'id')->all();
            if ($addons !== []) {
                $items = Capsule::table('tblinvoiceitems as ii')->join('tblinvoices as i', 'i.id', '=', 'ii.invoiceid')
                    ->where('ii.type', 'Addon')->whereIn('ii.relid', array_keys($addons))
                    ->select(['ii.relid', 'i.id', 'i.status'])->get();
                foreach ($items as $item) {
                    $note((int) $addons[(int) $item->relid], (int) $item->id, (string) $item->status);
                }
            }
        }
        return $latest;
    }

    /**
     * @param list<int> $serviceIds
     * @return array<int, true> services with the "Aflexi CDN" addon Active
     */
    private function activeAddon(array $serviceIds): array
    {
        if ($serviceIds === [] || $this->addonId <= 0) {
            return [];
        }
        $ids = Capsule::table('tblhostingaddons')->where('addonid', $this->addonId)->where('status', 'Active')
            ->whereIn('hostingid', $serviceIds)->pluck('hostingid')->all();
        return array_fill_keys(array_map('intval', $ids), true);
    }
}
