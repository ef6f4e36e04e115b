<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Module\Server\Aflexi\Context;
use WHMCS\Module\Server\Aflexi\ModuleCall;

/**
 * The addon's calls into the sync engine (the extension), through the shared call wrapper
 * (ModuleCall: extension check, one module-log entry per API call with secrets masked, an
 * actionable message on failure). The engine decides; this class only hands it the desired
 * publishers and writes its results back (Records).
 */
final class Engine
{
    /** The module-log name of the addon's entries (the server module logs as 'aflexi'). */
    public const LOG_MODULE = 'aflexi_cdn';

    private Records $records;

    public function __construct(private readonly Settings $settings)
    {
        $this->records = new Records();
    }

    /**
     * What a sync would do (Save Settings preview).
     *
     * @return array{plan: ?array, error: ?string}
     */
    public function plan(DesiredSet $set, string $action = 'AddonPreview'): array
    {
        if ($set->entries === []) {
            return ['plan' => ['entries' => [], 'counts' => [], 'packages_missing' => []], 'error' => null];
        }
        $plan = null;
        $outcome = ModuleCall::command($action, $this->settings->connectionParams(), static function (Context $c) use ($set, &$plan): void {
            $plan = $c->client()->syncPlan($set->entries);
            $c->note('counts', $plan['counts'] ?? []);
        }, self::LOG_MODULE);
        return ['plan' => $plan, 'error' => $outcome === 'success' ? null : $outcome];
    }

    /**
     * Syncs a batch within a time budget and records every result.
     *
     * @return array{report: ?array, error: ?string}
     */
    public function sync(string $action, DesiredSet $set, int $budgetMs): array
    {
        $this->prepare($set, $action);
        $result = $this->run($action, $set, $budgetMs);
        SyncLock::check(); // the connection was lost mid-sync: stop before recording, as a killed process would
        $this->record($result, $set);
        return ['report' => $result['report'], 'error' => $result['error']];
    }

    /**
     * Holds the passwords of the publishers the sync of `$set` may create (see passwords()):
     * call it before run() of that set.
     */
    public function prepare(DesiredSet $set, string $action): void
    {
        if ($set->entries !== []) {
            $this->passwords($set, $action);
        }
    }

    /**
     * Syncs a prepared batch within a time budget, without recording the results (record()
     * does). The sync runs on the extension's background thread while `$meanwhile` runs here
     * (the database work of the batches around it); what `$meanwhile` throws is returned as
     * `thrown`, after the sync is over, so it never hides the batch's own outcome.
     *
     * @return array{report: ?array, error: ?string, thrown: ?\Throwable}
     */
    public function run(string $action, DesiredSet $set, int $budgetMs, ?callable $meanwhile = null): array
    {
        $thrown = null;
        $during = static function () use ($meanwhile, &$thrown): void {
            try {
                if ($meanwhile !== null) {
                    $meanwhile();
                }
            } catch (\Throwable $e) {
                $thrown = $e;
            }
        };
        if ($set->entries === []) {
            $during();
            return ['report' => ['results' => [], 'counts' => [], 'packages_created' => []], 'error' => null, 'thrown' => $thrown];
        }
        $report = null;
        $options = ['concurrency' => $this->settings->concurrency(), 'time_budget_ms' => max(500, $budgetMs)];
        $outcome = ModuleCall::command($action, $this->settings->connectionParams(), static function (Context $c) use ($set, $options, $during, &$report): void {
            // The passwords in the report are never logged (the core's call log redacts them
            // and only counts are noted), so they need no masking pass over every log entry.
            $job = $c->client()->syncStart($set->entries, $options);
            try {
                $during();
            } finally {
                $report = $job->wait();
            }
            $c->note('publishers', count($set->entries));
            $c->note('counts', $report['counts'] ?? []);
            $c->note('packages_created', $report['packages_created'] ?? []);
        }, self::LOG_MODULE);
        if ($outcome !== 'success' || $report === null) {
            $message = $outcome !== 'success' ? $outcome : 'Aflexi CDN: the sync returned nothing';
            return ['report' => null, 'error' => $message, 'thrown' => $thrown];
        }
        return ['report' => $report, 'error' => null, 'thrown' => $thrown];
    }

    /**
     * Writes a batch's results to the service records (each failed one when the sync failed).
     *
     * @param array{report: ?array, error: ?string} $result what run() returned for `$set`
     */
    public function record(array $result, DesiredSet $set): void
    {
        if ($result['error'] !== null) {
            $this->records->failedAll($set, $result['error']);
        } else {
            $this->records->apply($result['report'] ?? ['results' => []], $set);
        }
    }

    /**
     * Gives each publisher that the sync may create its password before the create call, held
     * pending in its record. Which password is the extension's decision
     * (Client::syncPasswords): the one stored by an earlier run (which may have created it and
     * died before recording it), else a new one for each publisher Aflexi lacks, shared by the
     * entries naming it; a publisher that already exists gets none (its password is not ours
     * to show). An entry brings its stored password to the sync; this asks the extension about
     * the others, stores the new ones, and hands them to the sync.
     */
    private function passwords(DesiredSet $set, string $action): void
    {
        $index = [];
        $fresh = [];
        foreach ($set->entries as $i => $entry) {
            $stored = $set->unconfirmed[$entry['key']] ?? null;
            if ($stored === null) {
                continue;
            }
            $plain = $stored !== '' ? (string) decrypt($stored) : '';
            if ($plain !== '') {
                $set->entries[$i]['password'] = $plain;
                continue;
            }
            $index[$entry['key']] = $i;
            $fresh[] = $entry;
        }
        if ($fresh === []) {
            return;
        }
        $held = null;
        ModuleCall::command($action, $this->settings->connectionParams(), static function (Context $c) use ($fresh, &$held): void {
            $held = $c->client()->syncPasswords($fresh);
            $c->note('passwords_new', count(array_filter($held, static fn (array $h): bool => $h['new'])));
        }, self::LOG_MODULE);
        if ($held === null) {
            return; // Aflexi unreachable: the sync fails the same way and the next run retries
        }
        $new = [];
        foreach ($held as $h) {
            $key = (string) $h['key'];
            $set->entries[$index[$key]]['password'] = (string) $h['password'];
            if ($h['new']) {
                $new[$key] = (string) $h['password'];
            }
        }
        if ($new !== []) {
            $this->records->holdPasswords($set, $new);
        }
    }

    /** @return array{packages: ?array, error: ?string} */
    public function packages(): array
    {
        $packages = null;
        $outcome = ModuleCall::command('AddonListPackages', $this->settings->connectionParams(), static function (Context $c) use (&$packages): void {
            $packages = $c->client()->listPackages();
        }, self::LOG_MODULE);
        return ['packages' => $packages, 'error' => $outcome === 'success' ? null : $outcome];
    }
}
