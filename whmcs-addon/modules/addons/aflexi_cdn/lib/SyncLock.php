<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

/**
 * One sync with Aflexi at a time, across every PHP process of this WHMCS: Save Settings
 * steps, the cron reconcile and the hooks each read the desired state and apply it while
 * holding this lock. Why: two syncs of the same service at once can both see a publisher
 * missing and each hold a different pending password for it (the one shown would not be the
 * one Aflexi got), and a sync that read the desired state before an event (a refund) could
 * apply it after the event's own sync (the refunded service active again). Serialised, the
 * last sync of a service always read the state after its last event.
 *
 * A MariaDB named lock (GET_LOCK), not a row: the server frees it when the holding
 * connection ends, so a PHP process killed with SIGKILL leaves nothing to clean up. Holders
 * keep it for a bounded slice (a Save Settings step, a slice of the reconcile, one hook's
 * sync), so a waiter's wait is bounded too. Other drivers (SQLite, single process): no lock.
 */
final class SyncLock
{
    private static int $depth = 0;

    /**
     * Takes the lock, waiting at most $waitSeconds; false when another process kept it.
     * Re-entrant within a process (a cron run's reconcile and its AfterCronJob queue).
     */
    public static function acquire(int $waitSeconds): bool
    {
        if (self::$depth > 0 || !self::supported()) {
            self::$depth++;
            return true;
        }
        $got = Capsule::connection()->selectOne('SELECT GET_LOCK(?, ?) AS got', [self::name(), $waitSeconds]);
        if ((int) ($got->got ?? 0) !== 1) {
            return false;
        }
        self::$depth = 1;
        return true;
    }

    public static function release(): void
    {
        if (self::$depth === 0) {
            return;
        }
        self::$depth--;
        if (self::$depth === 0 && self::supported()) {
            try {
                Capsule::connection()->selectOne('SELECT RELEASE_LOCK(?) AS released', [self::name()]);
            } catch (\Throwable) {
                // The connection is gone, and the lock with it: nothing is left to release.
            }
        }
    }

    /**
     * Throws when this process no longer holds the lock: its database connection was lost
     * (Illuminate reconnects silently between statements, and the lock does not follow), so
     * another sync may be running. The caller stops before writing what it synced.
     */
    public static function check(): void
    {
        if (self::$depth === 0 || !self::supported()) {
            return;
        }
        $held = Capsule::connection()->selectOne('SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS held', [self::name()]);
        if ((int) ($held->held ?? 0) !== 1) {
            throw new DatabaseFailure(DatabaseFailure::CONNECTION_LOST);
        }
    }

    /** The lock's name: per database, since named locks are server-wide. */
    private static function name(): string
    {
        return 'aflexi_cdn_sync.' . substr(Capsule::connection()->getDatabaseName(), 0, 40);
    }

    private static function supported(): bool
    {
        return Capsule::connection()->getDriverName() === 'mysql';
    }
}
