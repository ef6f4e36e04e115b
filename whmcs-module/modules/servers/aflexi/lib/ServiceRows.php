<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * One row per WHMCS service in a table keyed by a unique service_id: the module's
 * mod_aflexi_publishers (PublisherRecords) and the addon's mod_aflexi_cdn_publishers
 * (aflexi_cdn's Records) read and write their single rows here.
 */
final class ServiceRows
{
    /** The row of a service, or null. */
    public static function find(string $table, int $serviceId): ?\stdClass
    {
        $row = Capsule::table($table)->where('service_id', $serviceId)->first();
        return $row === null ? null : (object) (array) $row;
    }

    /**
     * Inserts or updates the row of a service (check, then write; a concurrent insert of the
     * same service turns into an update), stamping updated_at (and created_at on insert).
     *
     * @param array<string, mixed> $fields
     * @param bool|null $exists whether the row exists, when the caller has just read it; null: ask
     */
    public static function save(string $table, int $serviceId, array $fields, ?bool $exists = null): void
    {
        $now = date('Y-m-d H:i:s');
        $fields['updated_at'] = $now;
        if ($exists ?? Capsule::table($table)->where('service_id', $serviceId)->exists()) {
            Capsule::table($table)->where('service_id', $serviceId)->update($fields);
            return;
        }
        try {
            Capsule::table($table)->insert($fields + ['service_id' => $serviceId, 'created_at' => $now]);
        } catch (\Illuminate\Database\QueryException $e) {
            if (!Capsule::table($table)->where('service_id', $serviceId)->exists()) {
                throw $e;
            }
            Capsule::table($table)->where('service_id', $serviceId)->update($fields);
        }
    }
}
