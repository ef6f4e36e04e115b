<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

/**
 * Clients whose profile changed, waiting for their publishers to be synchronized.
 *
 * Why a queue: ClientEdit fires inside the request that saves the profile, often the client's
 * own page in the client area, and a synchronization may wait on Aflexi for up to the hook
 * budget (20 s). The hook only records the client (one statement, no API call); WHMCS's cron,
 * which WHMCS recommends running every 5 minutes, drains the queue on AfterCronJob. Running
 * the work after the response instead (fastcgi_finish_request in a shutdown function) was not
 * chosen: it exists only under PHP-FPM, still holds a PHP worker for the whole sync, and its
 * failures would happen where nobody reads them. A client whose sync fails stays queued and
 * is tried again by the next cron run; the daily reconcile catches anything missed.
 */
final class ClientQueue
{
    /** Clients synchronized per cron run (each sync is bounded by the hook budget anyway). */
    public const PER_RUN = 200;

    public static function add(int $clientId): void
    {
        Schema::ensure();
        $now = date('Y-m-d H:i:s');
        // 7.12-safe insert-or-update of one row: the update, else an insert (a race inserts once).
        if (Capsule::table(Schema::CLIENT_QUEUE)->where('client_id', $clientId)->update(['queued_at' => $now]) === 0) {
            Capsule::table(Schema::CLIENT_QUEUE)->insertOrIgnore(['client_id' => $clientId, 'queued_at' => $now]);
        }
    }

    /**
     * The oldest queued clients (at most PER_RUN) and the time they were read.
     *
     * @return array{0: list<int>, 1: string}
     */
    public static function take(): array
    {
        Schema::ensure();
        $readAt = date('Y-m-d H:i:s');
        $ids = Capsule::table(Schema::CLIENT_QUEUE)->where('queued_at', '<=', $readAt)
            ->orderBy('queued_at')->orderBy('client_id')->limit(self::PER_RUN)->pluck('client_id')->all();
        return [array_map('intval', $ids), $readAt];
    }

    /**
     * Removes clients once synchronized, unless queued again since $readAt (a newer edit).
     *
     * @param list<int> $clientIds
     */
    public static function done(array $clientIds, string $readAt): void
    {
        if ($clientIds !== []) {
            Capsule::table(Schema::CLIENT_QUEUE)->whereIn('client_id', $clientIds)->where('queued_at', '<=', $readAt)->delete();
        }
    }

    /** @return list<int> the queued client ids (for the addon page and tests) */
    public static function all(): array
    {
        Schema::ensure();
        return array_map('intval', Capsule::table(Schema::CLIENT_QUEUE)->orderBy('client_id')->pluck('client_id')->all());
    }
}
