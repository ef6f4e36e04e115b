<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Text;
use WHMCS\Module\Server\Aflexi\Usernames;

/**
 * The synchronized publishers (mod_aflexi_cdn_publishers): what every sync result says is
 * written back here, one row per WHMCS service - publisher id, username, package, status,
 * the password a created publisher got (encrypt(), as of sync time), last sync, last error.
 */
final class Records
{
    public function __construct()
    {
        Schema::ensure();
    }

    /**
     * Writes an engine report back. Unchanged publishers whose row already says the same only
     * get their last sync time (one query per batch).
     *
     * @param array<string, mixed> $report Aflexi\Client::sync's report
     */
    public function apply(array $report, DesiredSet $set): void
    {
        // One transaction: thousands of rows, one commit (and one disk flush) instead of one each.
        Capsule::connection()->transaction(fn () => $this->write($report, $set));
    }

    /** @param array<string, mixed> $report */
    private function write(array $report, DesiredSet $set): void
    {
        $keys = array_map('intval', array_keys($set->clients));
        $existing = [];
        foreach (array_chunk($keys, 1000) as $chunk) {
            foreach (Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $chunk)->get() as $row) {
                $existing[(int) $row->service_id] = $row;
            }
        }
        $now = date('Y-m-d H:i:s');
        $touch = [];
        foreach ($report['results'] ?? [] as $result) {
            $outcome = (string) ($result['outcome'] ?? '');
            foreach ($result['keys'] ?? [] as $key) {
                $serviceId = (int) $key;
                $row = $existing[$serviceId] ?? null;
                $clientId = $set->clients[(string) $key] ?? 0;
                if ($outcome === 'failed') {
                    $error = Text::cap((string) ($result['error'] ?? 'failed'), 2000);
                    $this->save($serviceId, $row, ['client_id' => $clientId, 'last_error' => $error, 'last_sync' => $now]
                        + ($row === null ? ['username' => Usernames::local((string) ($result['username'] ?? ''))] : []));
                    continue;
                }
                if ($outcome !== 'done' && $outcome !== 'unchanged') {
                    continue; // pending: the next run continues it
                }
                $publisherId = $result['publisher_id'] ?? null;
                if ($publisherId === null && $row === null) {
                    continue; // nothing on Aflexi and nothing to remember
                }
                $fields = [
                    'client_id' => $clientId,
                    'publisher_id' => $publisherId,
                    'username' => Usernames::local((string) ($result['username'] ?? '')),
                    'package' => (string) ($result['package'] ?? ''),
                    'status' => strtoupper((string) ($result['status'] ?? '')),
                    'last_sync' => $now,
                    'last_error' => null,
                ];
                if (($result['password'] ?? null) !== null && $result['password'] !== '') {
                    $fields['password'] = encrypt((string) $result['password']);
                    $fields['password_set_at'] = $now;
                }
                if ($outcome === 'unchanged' && $row !== null && !isset($fields['password'])
                    && (int) $row->publisher_id === (int) $publisherId && (string) $row->status === $fields['status']
                    && (string) $row->package === $fields['package'] && $row->last_error === null
                    && (int) $row->client_id === $clientId) {
                    $touch[] = $serviceId;
                    continue;
                }
                $this->save($serviceId, $row, $fields);
            }
        }
        foreach ($set->problems as $key => $message) {
            $this->save((int) $key, $existing[(int) $key] ?? null, [
                'client_id' => $set->clients[$key] ?? 0, 'last_error' => Text::cap($message, 2000), 'last_sync' => $now,
            ]);
        }
        foreach (array_chunk($touch, 1000) as $chunk) {
            Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $chunk)->update(['last_sync' => $now]);
        }
    }

    /** Notes a failure of a whole call (Aflexi unreachable...) on the services that have a row. */
    public function failedAll(DesiredSet $set, string $message): void
    {
        $keys = array_map('intval', array_keys($set->clients));
        foreach (array_chunk($keys, 1000) as $chunk) {
            Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $chunk)
                ->update(['last_error' => Text::cap($message, 2000), 'updated_at' => date('Y-m-d H:i:s')]);
        }
    }

    /**
     * Puts services on hold (a hook saw an invoice of theirs marked unpaid, refunded or
     * cancelled) or, with null, takes them off it (the invoice was paid).
     *
     * @param list<int> $serviceIds
     */
    public function hold(array $serviceIds, ?string $reason): void
    {
        if ($serviceIds === []) {
            return;
        }
        $query = Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $serviceIds);
        if ($reason === null) {
            $query->whereNotNull('hold')->update(['hold' => null, 'updated_at' => date('Y-m-d H:i:s')]);
            return;
        }
        $query->update(['hold' => Text::cap($reason, 180), 'updated_at' => date('Y-m-d H:i:s')]);
    }

    public function find(int $serviceId): ?\stdClass
    {
        $row = Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)->first();
        return $row === null ? null : (object) (array) $row;
    }

    /** @return list<int> client ids of these services' records (the services may be gone) */
    public function clientsOf(array $serviceIds): array
    {
        return array_map('intval', Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $serviceIds ?: [0])
            ->distinct()->pluck('client_id')->all());
    }

    /** @param array<string, mixed> $fields */
    private function save(int $serviceId, ?object $row, array $fields): void
    {
        $fields['updated_at'] = date('Y-m-d H:i:s');
        if ($row !== null) {
            Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)->update($fields);
            return;
        }
        try {
            Capsule::table(Schema::PUBLISHERS)->insert($fields + ['service_id' => $serviceId, 'created_at' => $fields['updated_at']]);
        } catch (\Illuminate\Database\QueryException $e) {
            if (!Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)->exists()) {
                throw $e;
            }
            Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)->update($fields);
        }
    }
}
