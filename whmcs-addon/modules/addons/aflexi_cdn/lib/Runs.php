<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Text;

/**
 * A Save Settings sync, cut into bounded steps driven from the admin page: each step (one
 * request) syncs the not-yet-finished services for a few seconds (the engine's time budget)
 * and stores which services finished (and up to which client every batch is finished, so a
 * step does not read those again); the page then asks for the next step. The run and its
 * finished services live in the addon's tables, so a run whose tab was closed resumes with
 * the next request naming it. Only one request works on a run at a time (a lease).
 */
final class Runs
{
    public const RUNNING = 'running';
    public const DONE = 'done';
    /** How long a step waits for another sync to end before the page is told to ask again. */
    private const LOCK_WAIT_SECONDS = 5;

    public function __construct(private readonly Settings $settings)
    {
        Schema::ensure();
    }

    /** Starts a run over every desired publisher; returns its id. */
    public function start(int $adminId = 0): int
    {
        return History::begin(History::SAVE, $adminId, (new Desired())->estimate());
    }

    public function find(int $runId): ?\stdClass
    {
        $row = Capsule::table(Schema::RUNS)->where('id', $runId)->first();
        return $row === null ? null : (object) (array) $row;
    }

    /** How many unfinished runs the products page lists (the Run History lists them all). */
    public const UNFINISHED_SHOWN = 20;

    /**
     * The newest UNFINISHED_SHOWN runs not finished yet, and how many there are in all (the
     * page says how many more the Run History has: no silent cap).
     *
     * @return array{runs: list<\stdClass>, total: int}
     */
    public function unfinished(): array
    {
        $query = Capsule::table(Schema::RUNS)->where('status', self::RUNNING);
        return [
            'runs' => (clone $query)->orderByDesc('id')->limit(self::UNFINISHED_SHOWN)->get()->all(),
            'total' => $query->count(),
        ];
    }

    /**
     * One step: syncs the services the run has not finished, until the time budget is spent.
     * Returns 'done', 'more', 'busy' (another request holds the run, or another sync holds
     * the SyncLock for longer than LOCK_WAIT_SECONDS) or 'error' (the run's
     * `error` says why; the next step retries).
     */
    public function step(int $runId, ?int $budgetMs = null): string
    {
        $budgetMs ??= $this->settings->stepBudgetMs();
        if (!$this->lease($runId, $budgetMs)) {
            $run = $this->find($runId);
            return $run !== null && $run->status === self::DONE ? self::DONE : 'busy';
        }
        // Another sync (a run's step, the cron reconcile, a hook) is working: the page asks again.
        if (!SyncLock::acquire(self::LOCK_WAIT_SECONDS)) {
            Capsule::table(Schema::RUNS)->where('id', $runId)->update(['locked_until' => null]);
            return 'busy';
        }
        try {
            return $this->locked($runId, $budgetMs);
        } catch (\Throwable $e) {
            $failure = DatabaseFailure::of($e);
            if ($failure === null) {
                throw $e;
            }
            $this->failed($runId, $failure);
            return 'error';
        } finally {
            SyncLock::release();
        }
    }

    /**
     * Notes a database failure on the run (its error, shown by the page with Continue) and
     * frees its lease so that Continue works at once. When the database cannot take even
     * that, the lease ends by itself and the page shows the exception.
     */
    private function failed(int $runId, DatabaseFailure $failure): void
    {
        try {
            Capsule::table(Schema::RUNS)->where('id', $runId)->update([
                'error' => $failure->getMessage(), 'locked_until' => null, 'steps' => Capsule::raw('steps + 1'),
                'updated_at' => date('Y-m-d H:i:s'),
            ]);
        } catch (\Throwable) {
            throw $failure;
        }
    }

    /** A step, the run's lease and the sync lock held. */
    private function locked(int $runId, int $budgetMs): string
    {
        $engine = new Engine($this->settings);
        $done = array_fill_keys(Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->pluck('item_key')->all(), true);
        $started = microtime(true);
        $next = self::batches((new Desired())->all((int) ($this->find($runId)?->cursor ?? 0)), $done);
        // Pipelined: while batch k's API work runs on the extension's thread, this thread
        // stores batch k-1's results and reads and prepares batch k+1 (holds its passwords).
        // A batch's results are stored, and the cursor moved past it, only after the batch
        // before it; the step returns only after its last sync is over and stored.
        $batch = $next();
        $previous = null; // the last synced batch, its results not stored yet
        $worked = false;
        while ($batch['set'] !== null) {
            if ($previous === null) {
                $this->advanceAll($runId, $batch['skipped']);
            } elseif (!self::clean($previous['result'])) {
                break; // an error or a pending publisher: stored below, the next step goes on
            }
            $left = (int) ($budgetMs - (microtime(true) - $started) * 1000);
            if ($worked && $left < 300) {
                break;
            }
            $current = $batch;
            if (!$current['prepared']) {
                $engine->prepare($current['rest'], 'AddonSaveSettings');
            }
            $stored = $previous;
            $result = $engine->run('AddonSaveSettings', $current['rest'], $worked ? $left : max($left, $budgetMs),
                function () use ($runId, $engine, $next, $stored, $current, &$batch): void {
                    if ($stored !== null) {
                        $this->finish($runId, $engine, $stored);
                        $this->advanceAll($runId, $current['skipped']);
                    }
                    $batch = $next();
                    if ($batch['set'] !== null) {
                        $engine->prepare($batch['rest'], 'AddonSaveSettings');
                        $batch['prepared'] = true;
                    }
                });
            $worked = true;
            SyncLock::check(); // the connection was lost mid-batch: stop before storing anything
            if ($result['thrown'] !== null) {
                $engine->record($result, $current['rest']);
                throw $result['thrown'];
            }
            $previous = ['set' => $current['set'], 'rest' => $current['rest'], 'result' => $result];
        }
        $complete = $batch['set'] === null;
        $error = null;
        if ($previous !== null) {
            // Aflexi stopped answering: the page says why and waits for Continue.
            $error = $previous['result']['error'] ?? self::outage($previous['result']);
            if ($this->finish($runId, $engine, $previous) > 0 || $error !== null) {
                $complete = false;
            } else {
                $this->advanceAll($runId, $batch['skipped']);
            }
        } elseif ($complete) {
            $this->advanceAll($runId, $batch['skipped']);
        }
        if ($complete) {
            // cPanel CDN feature of the CDN-enabled cPanel products: reported, never failing the run.
            (new Cpanel())->run($runId);
        }
        $finished = Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->count();
        $now = date('Y-m-d H:i:s');
        Capsule::table(Schema::RUNS)->where('id', $runId)->update([
            'status' => $complete ? self::DONE : self::RUNNING,
            'finished' => $finished,
            'total' => $complete ? $finished : max($finished, (int) $this->find($runId)?->total),
            'steps' => Capsule::raw('steps + 1'),
            'error' => $error,
            'locked_until' => null,
            'finished_at' => $complete ? $now : null,
            'updated_at' => $now,
        ]);
        if ($complete) {
            Activity::runFinished($runId);
        }
        return $complete ? self::DONE : ($error !== null ? 'error' : 'more');
    }

    /**
     * The run's report: counts by what was done, the failures with their reasons, and the
     * publishers with the actions applied.
     *
     * @return array{counts: array<string, int>, failed: list<\stdClass>, changed: list<\stdClass>, failed_total: int, changed_total: int, cpanel: list<\stdClass>}
     */
    public function report(int $runId, int $limit = History::REPORT_ROWS): array
    {
        $counts = RunItems::counts($runId);
        return [
            'counts' => $counts,
            'failed' => History::items($runId, 'failed', $limit),
            'changed' => History::items($runId, 'done', $limit),
            'failed_total' => $counts['failed'],
            'changed_total' => History::doneCount($runId),
            'cpanel' => Cpanel::results($runId),
        ];
    }

    /**
     * The batches still to sync, one per call: ['set' => the next set with services not
     * finished (null after the last), 'rest' => those services, 'skipped' => the sets before
     * it with nothing left, 'prepared' => false]. Reading a set is the database work, so the
     * generator is only moved on when the next batch is asked for.
     *
     * @param array<string, true> $done
     */
    private static function batches(\Generator $sets, array $done): \Closure
    {
        $moveOn = false;
        return static function () use ($sets, $done, &$moveOn): array {
            if ($moveOn) {
                $sets->next();
            }
            $moveOn = true;
            $skipped = [];
            for (; $sets->valid(); $sets->next()) {
                $set = $sets->current();
                $rest = $set->without($done);
                if (!$rest->isEmpty()) {
                    return ['set' => $set, 'rest' => $rest, 'skipped' => $skipped, 'prepared' => false];
                }
                $skipped[] = $set;
            }
            return ['set' => null, 'rest' => null, 'skipped' => $skipped, 'prepared' => false];
        };
    }

    /** Whether a synced batch finished everything (no error, nothing pending). */
    private static function clean(array $result): bool
    {
        if ($result['error'] !== null) {
            return false;
        }
        foreach ($result['report']['results'] ?? [] as $r) {
            if (RunItems::leftForLater($r)) {
                return false;
            }
        }
        return true;
    }

    /** The error of the first publisher of a batch that failed because Aflexi did not answer. */
    private static function outage(array $result): ?string
    {
        foreach ($result['report']['results'] ?? [] as $r) {
            if (($r['outage'] ?? false) === true) {
                return Text::cap((string) ($r['error'] ?? 'Aflexi did not answer'));
            }
        }
        return null;
    }

    /**
     * Stores a synced batch: its service records, its run items, and the cursor past it when
     * it finished everything. Returns how many of its publishers are still pending.
     *
     * @param array{set: DesiredSet, rest: DesiredSet, result: array} $synced
     */
    private function finish(int $runId, Engine $engine, array $synced): int
    {
        $engine->record($synced['result'], $synced['rest']);
        if ($synced['result']['error'] !== null) {
            return 0;
        }
        $pending = RunItems::store($runId, $synced['result']['report'], $synced['rest']);
        if ($pending === 0) {
            $this->advance($runId, $synced['set']);
        }
        return $pending;
    }

    /** @param list<DesiredSet> $sets */
    private function advanceAll(int $runId, array $sets): void
    {
        foreach ($sets as $set) {
            $this->advance($runId, $set);
        }
    }

    /** Takes the run for one step; false when it is finished or another request holds it. */
    private function lease(int $runId, int $budgetMs): bool
    {
        $now = date('Y-m-d H:i:s');
        $until = date('Y-m-d H:i:s', time() + (int) ceil($budgetMs / 1000) + 120);
        return Capsule::table(Schema::RUNS)->where('id', $runId)->where('status', self::RUNNING)
            ->where(static function ($q) use ($now): void {
                $q->whereNull('locked_until')->orWhere('locked_until', '<', $now);
            })
            ->update(['locked_until' => $until, 'updated_at' => $now]) === 1;
    }

    /** Notes that the run finished every client of this batch: later steps start after it. */
    private function advance(int $runId, DesiredSet $set): void
    {
        if ($set->lastClient !== null) {
            Capsule::table(Schema::RUNS)->where('id', $runId)->update(['cursor' => $set->lastClient]);
        }
    }
}
