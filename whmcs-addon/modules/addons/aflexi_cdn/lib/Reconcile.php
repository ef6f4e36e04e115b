<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

/**
 * The cron reconcile: the whole desired state, from WHMCS, synced within a time budget.
 * Bulk actions, the status dropdowns and direct database changes fire no hooks (seed note,
 * §C3), so this is what makes Aflexi follow them. What the budget does not reach is pending
 * and done by the next run (the engine compares with Aflexi, so nothing is done twice).
 */
final class Reconcile
{
    public function __construct(private readonly Settings $settings)
    {
    }

    /**
     * @return array{counts: array<string, int>, pending: int, errors: list<string>}
     */
    public function run(?int $budgetMs = null, string $action = 'DailyCronJob'): array
    {
        $budgetMs ??= $this->settings->cronBudgetMs();
        $engine = new Engine($this->settings);
        $started = microtime(true);
        $counts = [];
        $pending = 0;
        $errors = [];
        $desired = new Desired();
        foreach ($desired->all() as $set) {
            if ($set->isEmpty()) {
                continue;
            }
            $left = (int) ($budgetMs - (microtime(true) - $started) * 1000);
            if ($left < 300) {
                $pending += $set->count();
                continue;
            }
            $result = $engine->sync($action, $set, $left);
            if ($result['error'] !== null) {
                $errors[] = $result['error'];
                $pending += $set->count();
                continue;
            }
            foreach ($result['report']['counts'] ?? [] as $name => $n) {
                $counts[$name] = ($counts[$name] ?? 0) + (int) $n;
            }
            $counts['failed'] = ($counts['failed'] ?? 0) + count($set->problems);
            $pending += (int) ($result['report']['counts']['pending'] ?? 0);
        }
        // cPanel CDN feature of the CDN-enabled cPanel products (module log; never an error of the sync).
        (new Cpanel())->run(0);
        return ['counts' => $counts, 'pending' => $pending, 'errors' => array_values(array_unique($errors))];
    }
}
