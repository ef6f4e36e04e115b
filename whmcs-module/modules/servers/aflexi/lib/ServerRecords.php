<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * What the module remembers per WHMCS server record (table mod_aflexi_servers): the
 * operator's Aflexi user id, so that later calls pass it as `operator_id` and skip the
 * identity lookup, and the operator's portal URL with when it was read.
 *
 * A remembered value counts only while the server record still has the same endpoint and
 * login; editing either makes the module look the operator up again.
 */
final class ServerRecords
{
    /** How long a remembered portal URL is used before it is read again. */
    public const PORTAL_TTL_SECONDS = 3600;

    public function __construct()
    {
        Schema::ensure();
    }

    /** The remembered operator id for this server, endpoint and login, or null. */
    public function operatorId(int $serverId, string $endpoint, string $login): ?int
    {
        $row = $this->row($serverId, $endpoint, $login);
        return $row !== null && $row->operator_id !== null ? (int) $row->operator_id : null;
    }

    public function rememberOperator(int $serverId, string $endpoint, string $login, int $operatorId): void
    {
        $this->save($serverId, $endpoint, $login, ['operator_id' => $operatorId]);
    }

    /** The remembered portal URL when read less than $ttl seconds ago, or null. */
    public function portalUrl(int $serverId, string $endpoint, string $login, int $ttl = self::PORTAL_TTL_SECONDS): ?string
    {
        $row = $this->row($serverId, $endpoint, $login);
        if ($row === null || $row->portal_url === null || $row->portal_url === '' || $row->portal_checked_at === null) {
            return null;
        }
        if (strtotime((string) $row->portal_checked_at) < time() - $ttl) {
            return null;
        }
        return (string) $row->portal_url;
    }

    public function rememberPortalUrl(int $serverId, string $endpoint, string $login, string $url): void
    {
        $this->save($serverId, $endpoint, $login, ['portal_url' => $url, 'portal_checked_at' => PublisherRecords::now()]);
    }

    private function row(int $serverId, string $endpoint, string $login): ?\stdClass
    {
        if ($serverId <= 0) {
            return null;
        }
        $row = Capsule::table(Schema::SERVERS)->where('server_id', $serverId)->first();
        if ($row === null || (string) $row->endpoint !== $endpoint || (string) $row->login !== $login) {
            return null;
        }
        return (object) (array) $row;
    }

    /** @param array<string, mixed> $fields */
    private function save(int $serverId, string $endpoint, string $login, array $fields): void
    {
        if ($serverId <= 0) {
            return; // a server record not saved yet (Test Connection on a new server)
        }
        $now = PublisherRecords::now();
        $existing = Capsule::table(Schema::SERVERS)->where('server_id', $serverId)->first();
        if ($existing === null) {
            Capsule::table(Schema::SERVERS)->insert($fields + [
                'server_id' => $serverId, 'endpoint' => $endpoint, 'login' => $login,
                'created_at' => $now, 'updated_at' => $now,
            ]);
            return;
        }
        if ((string) $existing->endpoint !== $endpoint || (string) $existing->login !== $login) {
            // Another operator or host now: what was remembered no longer holds.
            $fields += ['operator_id' => null, 'portal_url' => null, 'portal_checked_at' => null];
        }
        Capsule::table(Schema::SERVERS)->where('server_id', $serverId)
            ->update($fields + ['endpoint' => $endpoint, 'login' => $login, 'updated_at' => $now]);
    }
}
