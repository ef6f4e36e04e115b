<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\ServiceRows;
use WHMCS\Module\Server\Aflexi\Text;
use WHMCS\Module\Server\Aflexi\Usernames;

/**
 * The synchronized publishers (mod_aflexi_cdn_publishers): what every sync result says is
 * written back here, one row per WHMCS service - publisher id, username, package, status,
 * the password a created publisher got (encrypt(), as of sync time; generated and held pending
 * before the create call), last sync, last error.
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

    /**
     * Stores the passwords of publishers about to be created (pending, encrypt()) before the
     * create call: a process killed after Aflexi's answer and before write() loses nothing, and
     * the next run creates with, or finds the publisher made with, this password.
     *
     * @param array<string, string> $passwords key => plain password
     */
    public function holdPasswords(DesiredSet $set, array $passwords): void
    {
        $now = date('Y-m-d H:i:s');
        $rows = [];
        foreach ($passwords as $key => $password) {
            $rows[] = ['service_id' => (int) $key, 'client_id' => $set->clients[(string) $key] ?? 0,
                'pending_password' => encrypt($password), 'created_at' => $now, 'updated_at' => $now];
        }
        foreach (array_chunk($rows, 500) as $chunk) {
            BulkUpsert::write(Schema::PUBLISHERS, $chunk, ['service_id'], ['pending_password', 'updated_at']);
        }
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
        // Written in bulk (one statement per 500 rows): a batch has thousands of results.
        $synced = [];
        $withPassword = [];
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
                if ($publisherId === null && ($row === null || $row->publisher_id === null)) {
                    continue; // nothing on Aflexi and nothing to remember
                }
                $fields = [
                    'service_id' => $serviceId,
                    'client_id' => $clientId,
                    'publisher_id' => $publisherId,
                    'username' => Usernames::local((string) ($result['username'] ?? '')),
                    'package' => (string) ($result['package'] ?? ''),
                    'status' => strtoupper((string) ($result['status'] ?? '')),
                    'last_sync' => $now,
                    'last_error' => null,
                    'created_at' => $now,
                    'updated_at' => $now,
                ];
                if (($result['password'] ?? null) !== null && $result['password'] !== '') {
                    $withPassword[] = $fields + ['password' => encrypt((string) $result['password']), 'password_set_at' => $now, 'pending_password' => null];
                    continue;
                }
                if ($row !== null && $row->pending_password !== null && $publisherId !== null) {
                    // Created with the pending password by a run that died before writing it
                    // here (a pending password is only made for a publisher Aflexi lacked).
                    $withPassword[] = $fields + ['password' => $row->pending_password, 'password_set_at' => $now, 'pending_password' => null];
                    continue;
                }
                if ($outcome === 'unchanged' && $row !== null
                    && (int) $row->publisher_id === (int) $publisherId && (string) $row->status === $fields['status']
                    && (string) $row->package === $fields['package'] && $row->last_error === null
                    && (int) $row->client_id === $clientId) {
                    $touch[] = $serviceId;
                    continue;
                }
                $synced[] = $fields;
            }
        }
        $columns = ['client_id', 'publisher_id', 'username', 'package', 'status', 'last_sync', 'last_error', 'updated_at'];
        foreach (array_chunk($synced, 500) as $chunk) {
            BulkUpsert::write(Schema::PUBLISHERS, $chunk, ['service_id'], $columns);
        }
        foreach (array_chunk($withPassword, 500) as $chunk) {
            BulkUpsert::write(Schema::PUBLISHERS, $chunk, ['service_id'], array_merge($columns, ['password', 'password_set_at', 'pending_password']));
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
        return ServiceRows::find(Schema::PUBLISHERS, $serviceId);
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
        ServiceRows::save(Schema::PUBLISHERS, $serviceId, $fields, $row !== null);
    }
}
