<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Extension;
use WHMCS\Module\Server\Aflexi\ModuleCall;

/**
 * What each WHMCS hook of the addon does (hooks.php registers them). Every handler:
 *  - returns at once when the event concerns no CDN service (no API call);
 *  - hands the engine the desired state of the clients concerned, so that firing twice
 *    writes nothing the second time;
 *  - is fail-open (a failure goes to the activity log; the WHMCS page carries on);
 *  - does not re-enter itself within one request (WHMCS fires InvoicePaid again when an
 *    InvoicePaid handler creates invoices or applies credit, tests/whmcs/README.md#not-firing).
 */
final class HookHandlers
{
    private static bool $running = false;
    /** Hook work budget (ms): a page must not wait for long. */
    public const BUDGET_MS = 20000;
    /** How long a hook waits for another sync (a Save Settings step, a reconcile slice) to end. */
    private const LOCK_WAIT_SECONDS = 15;

    /** InvoicePaid: the paid services' clients are synchronized (created, re-activated, package changed). */
    public static function invoicePaid(int $invoiceId): void
    {
        self::guard('InvoicePaid', static function () use ($invoiceId): void {
            $services = self::cdnServices(self::servicesOfInvoice($invoiceId));
            if ($services === []) {
                return;
            }
            (new Records())->hold($services, null);
            self::syncClients('InvoicePaid', self::clientsOf($services));
        });
    }

    /** InvoiceUnpaid / InvoiceCancelled / InvoiceRefunded: the invoice's services are suspended. */
    public static function invoiceReversed(string $hook, int $invoiceId, string $what): void
    {
        self::guard($hook, static function () use ($hook, $invoiceId, $what): void {
            self::suspendInvoice($hook, $invoiceId, $what);
        });
    }

    /** ManualRefund (transid + amount, no invoice id): the refunded payment's invoices' services are suspended. */
    public static function manualRefund(string $transid): void
    {
        self::guard('ManualRefund', static function () use ($transid): void {
            if (trim($transid) === '') {
                return;
            }
            $invoices = Capsule::table('tblaccounts')->where('transid', $transid)->where('invoiceid', '>', 0)
                ->distinct()->pluck('invoiceid')->all();
            foreach ($invoices as $invoiceId) {
                self::suspendInvoice('ManualRefund', (int) $invoiceId, 'refunded');
            }
        });
    }

    /**
     * ClientEdit: when the e-mail, name, company or status changed, the client is queued; the
     * next cron run synchronizes its publishers (ClientQueue says why not on this request).
     * The admin area sends every column plus `olddata`; WHMCS 8's client area sends `olddata`
     * only, the new values being saved already: a column missing from the payload is read from
     * tblclients, never taken as cleared.
     */
    public static function clientEdit(array $vars): void
    {
        self::guard('ClientEdit', static function () use ($vars): void {
            $clientId = (int) ($vars['userid'] ?? 0);
            if ($clientId <= 0) {
                return;
            }
            $current = (array) Capsule::table('tblclients')->where('id', $clientId)->first(self::PROFILE);
            if (self::profileChanged($vars, $current)) {
                ClientQueue::add($clientId);
            }
        });
    }

    /** The client columns a publisher is made of (or suspended by). */
    private const PROFILE = ['email', 'firstname', 'lastname', 'companyname', 'status'];

    /**
     * Whether a ClientEdit payload changes what a publisher is made of: each column's new value
     * (from the payload, else the current row) against `olddata`.
     *
     * @param array<string, mixed> $current the client's row now
     */
    public static function profileChanged(array $vars, array $current): bool
    {
        $old = is_array($vars['olddata'] ?? null) ? $vars['olddata'] : [];
        foreach (self::PROFILE as $field) {
            $new = array_key_exists($field, $vars) ? $vars[$field] : ($current[$field] ?? null);
            if ($new !== null && (!array_key_exists($field, $old) || (string) $old[$field] !== (string) $new)) {
                return true;
            }
        }
        return false;
    }

    /** AfterCronJob (every cron run): the clients queued by ClientEdit are synchronized. */
    public static function afterCron(): void
    {
        self::guard('AfterCronJob', static function (): void {
            [$clientIds, $readAt] = ClientQueue::take();
            if ($clientIds === []) {
                return;
            }
            // Not reached by Aflexi (API down, bad settings): kept for the next cron run.
            if (self::syncClients('ClientEdit', $clientIds)) {
                ClientQueue::done($clientIds, $readAt);
            }
        });
    }

    /** ClientClose / PreDeleteClient / ClientDelete: the client's publishers are suspended. */
    public static function clientGone(string $hook, int $clientId): void
    {
        self::guard($hook, static function () use ($hook, $clientId): void {
            if ($clientId <= 0) {
                return;
            }
            $services = array_map('intval', Capsule::table('tblhosting')->where('userid', $clientId)->pluck('id')->all());
            $reason = $hook === 'ClientClose' ? 'the client was closed' : 'the client was deleted';
            $suspend = array_fill_keys($services, $reason);
            self::syncClients($hook, [$clientId], $suspend, true);
        });
    }

    /** DailyCronJob / AfterCronJob: reconcile everything within the cron budget. */
    public static function cron(string $hook): void
    {
        self::guard($hook, static function () use ($hook): void {
            $settings = Settings::load();
            if (!(new Desired())->anything()) {
                return;
            }
            // A run of the history (who: cron), its report kept like a Save Settings run's.
            $runId = History::begin(History::CRON, 0);
            $result = (new Reconcile($settings))->run(null, $hook, $runId);
            $errors = $result['errors'] === [] ? null : implode(' | ', $result['errors']);
            History::end($runId, $errors);
            Activity::runFinished($runId, sprintf('; %d pending for the next run%s', $result['pending'], $errors === null ? '' : "; errors: $errors"));
        });
    }

    private static function suspendInvoice(string $hook, int $invoiceId, string $what): void
    {
        $services = self::cdnServices(self::servicesOfInvoice($invoiceId));
        if ($services === []) {
            return;
        }
        $reason = sprintf('invoice #%d was %s', $invoiceId, $what);
        (new Records())->hold($services, $reason);
        self::syncClients($hook, self::clientsOf($services), array_fill_keys($services, $reason));
    }

    /**
     * @param list<int> $clientIds
     * @param array<int, string> $suspend
     * @return bool false when the engine could not run at all (its error is in the activity log)
     */
    private static function syncClients(string $hook, array $clientIds, array $suspend = [], bool $withOrphans = false): bool
    {
        // Another sync holds the lock for longer than a page may wait: the next cron run
        // (every 5 minutes) does these clients; what the event changed is in WHMCS's tables
        // or the record's hold already, so the desired state read then includes it.
        if (!SyncLock::acquire(self::LOCK_WAIT_SECONDS)) {
            foreach ($clientIds as $clientId) {
                ClientQueue::add((int) $clientId);
            }
            ModuleCall::activity(sprintf('Aflexi CDN: %s: another synchronization is in progress; the next cron run synchronizes client(s) %s.',
                $hook, implode(', ', array_slice($clientIds, 0, 20))), count($clientIds) === 1 ? (int) $clientIds[0] : 0);
            return false;
        }
        try {
            return self::syncLocked($hook, $clientIds, $suspend, $withOrphans);
        } finally {
            SyncLock::release();
        }
    }

    /** syncClients(), the SyncLock held: the desired state is read now, after the event. */
    private static function syncLocked(string $hook, array $clientIds, array $suspend, bool $withOrphans): bool
    {
        $desired = new Desired();
        $set = $desired->forClients($clientIds, $suspend);
        $settings = Settings::load();
        $engine = new Engine($settings);
        $ran = true;
        if (!$set->isEmpty()) {
            $result = $engine->sync($hook, $set, self::BUDGET_MS);
            self::report($hook, $result, $set, $clientIds);
            $ran = $result['error'] === null;
        }
        if ($withOrphans) {
            $orphans = $desired->orphans();
            if (!$orphans->isEmpty()) {
                self::report($hook, $engine->sync($hook, $orphans, self::BUDGET_MS), $orphans, $clientIds);
            }
        }
        return $ran;
    }

    /** The Activity Log lines of a hook's sync: its error, or one line per publisher changed or failed. */
    private static function report(string $hook, array $result, DesiredSet $set, array $clientIds): void
    {
        if ($result['error'] !== null) {
            ModuleCall::activity($result['error'] . " [$hook]", count($clientIds) === 1 ? (int) $clientIds[0] : 0);
            return;
        }
        Activity::hookResults($hook, $result['report'] ?? [], $set);
    }

    /**
     * The services an invoice bills: Hosting lines (relid = service id) and Addon lines
     * (relid = tblhostingaddons.id → its hostingid).
     *
     * @return list<int>
     */
    public static function servicesOfInvoice(int $invoiceId): array
    {
        if ($invoiceId <= 0) {
            return [];
        }
        $items = Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->whereIn('type', ['Hosting', 'Addon'])
            ->select(['type', 'relid'])->get();
        $services = [];
        $addons = [];
        foreach ($items as $item) {
            if ($item->type === 'Hosting') {
                $services[] = (int) $item->relid;
            } else {
                $addons[] = (int) $item->relid;
            }
        }
        if ($addons !== []) {
            $services = array_merge($services, array_map('intval', Capsule::table('tblhostingaddons')->whereIn('id', $addons)->pluck('hostingid')->all()));
        }
        return array_values(array_unique(array_filter($services)));
    }

    /**
     * Of these services, those that concern CDN: product CDN-enabled, or a publisher on record.
     *
     * @param list<int> $serviceIds
     * @return list<int>
     */
    private static function cdnServices(array $serviceIds): array
    {
        if ($serviceIds === []) {
            return [];
        }
        $enabled = array_keys(Catalog::enabled());
        $ofEnabled = $enabled === [] ? [] : Capsule::table('tblhosting')->whereIn('id', $serviceIds)->whereIn('packageid', $enabled)->pluck('id')->all();
        $recorded = Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $serviceIds)->pluck('service_id')->all();
        return array_values(array_unique(array_map('intval', array_merge($ofEnabled, $recorded))));
    }

    /** @param list<int> $serviceIds @return list<int> */
    private static function clientsOf(array $serviceIds): array
    {
        $ids = Capsule::table('tblhosting')->whereIn('id', $serviceIds)->distinct()->pluck('userid')->all();
        return array_values(array_unique(array_map('intval', array_merge($ids, (new Records())->clientsOf($serviceIds)))));
    }

    /** Runs a handler once per request at a time; any failure is logged, never thrown. */
    private static function guard(string $hook, \Closure $body): void
    {
        if (self::$running) {
            return;
        }
        self::$running = true;
        try {
            // Without the extension nothing can be decided: say so and how to install it,
            // rather than the "undefined function" the first rule call would give.
            $problem = Extension::problem();
            if ($problem !== null) {
                ModuleCall::activity("$problem [$hook]");
                return;
            }
            $body();
        } catch (\Throwable $e) {
            $failure = DatabaseFailure::of($e); // said in words: a database error's text quotes the SQL and its values
            ModuleCall::activity($failure !== null ? $failure->getMessage() . " [$hook]"
                : sprintf('Aflexi CDN: the %s hook failed (%s: %s); the cron reconcile will catch up.', $hook, get_class($e), $e->getMessage()));
        } finally {
            self::$running = false;
        }
    }
}
