<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

/**
 * The cron reconcile: the whole desired state, from WHMCS, synced within a time budget.
 * Bulk actions, the status dropdowns and direct database changes fire no hooks (seed note,
 * tests/whmcs/README.md#not-firing), so this is what makes Aflexi follow them. What the budget does not reach is pending
 * and done by the next run (the engine compares with Aflexi, so nothing is done twice).
 *
 * It works in slices, each holding the SyncLock for at most one Save Settings step's budget
 * and reading its clients' desired state inside the lock, so that hooks and runs get their
 * turn and no slice applies a state read before another sync's event.
 */
final class Reconcile
{
    /** How long a slice waits for another sync to end; then the rest is pending. */
    private const LOCK_WAIT_SECONDS = 30;

    public function __construct(private readonly Settings $settings)
    {
    }

    /**
     * $runId: the history's run (History::CRON) whose report gets the finished services; 0 for none.
     *
     * @return array{counts: array<string, int>, pending: int, errors: list<string>}
     */
    public function run(?int $budgetMs = null, string $action = 'DailyCronJob', int $runId = 0): array
    {
        $budgetMs ??= $this->settings->cronBudgetMs();
        $engine = new Engine($this->settings);
        $started = microtime(true);
        $left = static fn (): int => (int) ($budgetMs - (microtime(true) - $started) * 1000);
        $counts = [];
        $pending = 0;
        $errors = [];
        $desired = new Desired();
        $after = 0;
        $orphansDone = false;
        while (!$orphansDone) {
            $clients = $desired->candidateClients($after, Desired::CLIENT_BATCH);
            $orphansDone = $clients === [];
            if ($clients !== []) {
                $after = end($clients);
            }
            // A batch is synced slice by slice until nothing of it is pending or the budget is spent.
            $slicePending = null; // what the last slice of this batch left pending (null: none ran)
            do {
                if ($left() < 300) {
                    $pending += $slicePending ?? $this->count($desired, $clients);
                    break;
                }
                if (!SyncLock::acquire(self::LOCK_WAIT_SECONDS)) {
                    $errors[] = 'Aflexi CDN: another synchronization held the lock for too long; the next cron run continues.';
                    $pending += $slicePending ?? $this->count($desired, $clients);
                    break;
                }
                try {
                    $set = $clients === [] ? $desired->orphans() : $desired->forClients($clients);
                    $result = $set->isEmpty() ? null
                        : $engine->sync($action, $set, min($left(), $this->settings->stepBudgetMs()));
                } finally {
                    SyncLock::release();
                }
                if ($result === null) {
                    break;
                }
                if ($result['error'] !== null) {
                    $errors[] = $result['error'];
                    $pending += $set->count();
                    break;
                }
                foreach ($result['report']['counts'] ?? [] as $name => $n) {
                    if ($name !== 'pending') { // a later slice may do it: counted once, in `pending`
                        $counts[$name] = ($counts[$name] ?? 0) + (int) $n;
                    }
                }
                $counts['failed'] = ($counts['failed'] ?? 0) + count($set->problems);
                if ($runId > 0) {
                    // The run's report (History); a slice's pending rows are stored by the slice that does them.
                    RunItems::store($runId, $result['report'], $set, true);
                }
                $slicePending = (int) ($result['report']['counts']['pending'] ?? 0);
            } while ($slicePending > 0);
        }
        // cPanel CDN feature of the CDN-enabled cPanel products (module log; never an error of the sync).
        (new Cpanel())->run(0);
        return ['counts' => $counts, 'pending' => $pending, 'errors' => array_values(array_unique($errors))];
    }

    /** How many desired publishers these clients have (the orphans for none): what is left pending. */
    private function count(Desired $desired, array $clients): int
    {
        return ($clients === [] ? $desired->orphans() : $desired->forClients($clients))->count();
    }
}
