<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

/**
 * Retries the failed rows of a run (one, or all) from the run's report: their services'
 * desired state is read now and synced by the engine as any run is, under the SyncLock; the
 * result is a new run of the history (kind retry), with its own report and Activity Log line.
 */
final class Retry
{
    /** How long a retry waits for another sync (a run step, the reconcile, a hook) to end. */
    private const LOCK_WAIT_SECONDS = 5;

    public function __construct(private readonly Settings $settings)
    {
    }

    /**
     * Retries the failed rows of $runId ($serviceId > 0: that one only).
     *
     * @return array{run: ?int, error: ?string} the new run, or why none ran ('busy': another sync holds the lock)
     */
    public function run(int $runId, int $serviceId, int $adminId): array
    {
        $failed = Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->where('outcome', 'failed')
            ->when($serviceId > 0, static fn ($q) => $q->where('item_key', (string) $serviceId))
            ->pluck('client_id', 'item_key')->all();
        if ($failed === []) {
            return ['run' => null, 'error' => 'nothing'];
        }
        $services = array_map('intval', array_keys($failed));
        $clients = array_map('intval', array_merge(array_values($failed),
            Capsule::table('tblhosting')->whereIn('id', $services)->pluck('userid')->all()));
        $clients = array_values(array_unique(array_filter($clients)));
        if (!SyncLock::acquire(self::LOCK_WAIT_SECONDS)) {
            return ['run' => null, 'error' => 'busy'];
        }
        try {
            $all = (new Desired())->forClients($clients);
            // Only the failed services: the others of these clients are not this retry's business.
            $others = array_diff_key(array_fill_keys(array_map('strval', array_keys($all->clients)), true), array_fill_keys(array_map('strval', $services), true));
            $set = $all->without($others);
            $newRun = History::begin(History::RETRY, $adminId, $set->count());
            $error = null;
            if (!$set->isEmpty()) {
                $result = (new Engine($this->settings))->sync('AddonRetry', $set, $this->settings->stepBudgetMs());
                $error = $result['error'];
                if ($error === null) {
                    RunItems::store($newRun, $result['report'], $set, true);
                }
            }
            History::end($newRun, $error);
        } finally {
            SyncLock::release();
        }
        Activity::runFinished($newRun, sprintf(' (retry of run #%d%s)', $runId, $error === null ? '' : '; ' . $error));
        return ['run' => $newRun, 'error' => null];
    }
}
