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
    public function plan(DesiredSet $set): array
    {
        if ($set->entries === []) {
            return ['plan' => ['entries' => [], 'counts' => [], 'packages_missing' => []], 'error' => null];
        }
        $plan = null;
        $outcome = ModuleCall::command('AddonPreview', $this->settings->connectionParams(), static function (Context $c) use ($set, &$plan): void {
            $plan = $c->client()->syncPlan($set->entries);
            $c->note('counts', $plan['counts'] ?? []);
        });
        return ['plan' => $plan, 'error' => $outcome === 'success' ? null : $outcome];
    }

    /**
     * Syncs a batch within a time budget and records every result.
     *
     * @return array{report: ?array, error: ?string}
     */
    public function sync(string $action, DesiredSet $set, int $budgetMs): array
    {
        if ($set->entries === []) {
            $this->records->apply(['results' => []], $set);
            return ['report' => ['results' => [], 'counts' => [], 'packages_created' => []], 'error' => null];
        }
        $report = null;
        $options = ['concurrency' => $this->settings->concurrency(), 'time_budget_ms' => max(500, $budgetMs)];
        $outcome = ModuleCall::command($action, $this->settings->connectionParams(), static function (Context $c) use ($set, $options, &$report): void {
            // The passwords in the report are never logged (the core's call log redacts them
            // and only counts are noted), so they need no masking pass over every log entry.
            $report = $c->client()->sync($set->entries, $options);
            $c->note('publishers', count($set->entries));
            $c->note('counts', $report['counts'] ?? []);
            $c->note('packages_created', $report['packages_created'] ?? []);
        });
        if ($outcome !== 'success' || $report === null) {
            $message = $outcome !== 'success' ? $outcome : 'Aflexi CDN: the sync returned nothing';
            $this->records->failedAll($set, $message);
            return ['report' => null, 'error' => $message];
        }
        $this->records->apply($report, $set);
        return ['report' => $report, 'error' => null];
    }

    /** @return array{packages: ?array, error: ?string} */
    public function packages(): array
    {
        $packages = null;
        $outcome = ModuleCall::command('AddonListPackages', $this->settings->connectionParams(), static function (Context $c) use (&$packages): void {
            $packages = $c->client()->listPackages();
        });
        return ['packages' => $packages, 'error' => $outcome === 'success' ? null : $outcome];
    }
}
