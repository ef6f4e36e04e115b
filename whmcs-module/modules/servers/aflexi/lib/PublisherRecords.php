<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * The link between a WHMCS service and its Aflexi publisher (table mod_aflexi_publishers):
 * which publisher id the service acts on, and what WHMCS last knew of it (status, package,
 * last sync, last error).
 *
 * Statuses are Aflexi's link statuses (ACTIVE, SUSPENDED, DELETED = terminated) plus PENDING
 * (Create started, no publisher yet) and NOT_FOUND (the publisher was not found on Aflexi).
 * The server module keeps these rows current; the addon aflexi_cdn reads them (and keeps its
 * own data in its own table keyed by service_id).
 */
final class PublisherRecords
{
    public const PENDING = 'PENDING';
    public const ACTIVE = 'ACTIVE';
    public const SUSPENDED = 'SUSPENDED';
    public const DELETED = 'DELETED';
    public const NOT_FOUND = 'NOT_FOUND';

    public function __construct()
    {
        Schema::ensure();
    }

    /** The record of a service, or null. */
    public function find(int $serviceId): ?\stdClass
    {
        return ServiceRows::find(Schema::PUBLISHERS, $serviceId);
    }

    /**
     * The records of a client's services whose publisher may exist and be live on Aflexi
     * (PENDING, ACTIVE, SUSPENDED), by service id.
     *
     * @return array<int, \stdClass>
     */
    public function liveForClient(int $clientId): array
    {
        $rows = Capsule::table(Schema::PUBLISHERS)
            ->where('client_id', $clientId)
            ->whereIn('status', [self::PENDING, self::ACTIVE, self::SUSPENDED])
            ->orderBy('service_id')
            ->get();
        $out = [];
        foreach ($rows as $row) {
            $out[(int) $row->service_id] = (object) (array) $row;
        }
        return $out;
    }

    /**
     * When each recorded username of a server was first linked, by local username.
     *
     * @return array<string, string>
     */
    public function createdAtByUsername(int $serverId): array
    {
        return Capsule::table(Schema::PUBLISHERS)
            ->where('server_id', $serverId)
            ->whereNotNull('created_at')
            ->pluck('created_at', 'username')
            ->map(static fn ($v): string => (string) $v)
            ->all();
    }

    /** Notes that Create has started for a service (before anything exists on Aflexi). */
    public function begin(ServiceData $service, string $username, string $package): void
    {
        $existing = $this->find($service->serviceId);
        $fields = [
            'server_id' => $service->serverId,
            'client_id' => $service->clientId,
            'username' => $username,
            'package' => $package,
        ];
        if ($existing === null || $existing->publisher_id === null) {
            $fields['status'] = self::PENDING;
        }
        $this->save($service->serviceId, $fields);
    }

    /**
     * Records the publisher a service is linked to, as Aflexi just returned it.
     *
     * @param array<string, mixed> $publisher an Aflexi\Client publisher array
     */
    public function linked(ServiceData $service, array $publisher): void
    {
        $this->save($service->serviceId, [
            'server_id' => $service->serverId,
            'client_id' => $service->clientId,
            'publisher_id' => (int) $publisher['id'],
            'username' => Usernames::local((string) ($publisher['username'] ?? '')),
            'package' => (string) ($publisher['package']['name'] ?? ''),
            'status' => strtoupper((string) ($publisher['status'] ?? self::ACTIVE)),
            'last_sync' => self::now(),
            'last_error' => null,
        ]);
    }

    /**
     * Records that the service's publisher was just read or changed: its status (null: not
     * changed by this action) and, when given, its package; clears the last error.
     */
    public function synced(int $serviceId, ?string $status, ?string $package = null): void
    {
        $fields = ['last_sync' => self::now(), 'last_error' => null];
        if ($status !== null) {
            $fields['status'] = $status;
        }
        if ($package !== null) {
            $fields['package'] = $package;
        }
        $this->save($serviceId, $fields);
    }

    /** Records that the service's publisher was not found on Aflexi. */
    public function notFound(ServiceData $service, string $message): void
    {
        $fields = ['status' => self::NOT_FOUND, 'last_sync' => self::now(), 'last_error' => Text::cap($message)];
        if ($this->find($service->serviceId) === null) {
            $fields += ['server_id' => $service->serverId, 'client_id' => $service->clientId];
        }
        $this->save($service->serviceId, $fields);
    }

    /** Records the last failure of an action on a service that has a record. */
    public function failed(int $serviceId, string $message): void
    {
        Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)
            ->update(['last_error' => Text::cap($message), 'updated_at' => self::now()]);
    }

    /**
     * Inserts or updates the record of a service (ServiceRows::save).
     *
     * @param array<string, mixed> $fields
     */
    public function save(int $serviceId, array $fields): void
    {
        ServiceRows::save(Schema::PUBLISHERS, $serviceId, $fields);
    }

    public static function now(): string
    {
        return date('Y-m-d H:i:s');
    }
}
