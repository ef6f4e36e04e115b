<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

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

    public function __construct(private readonly Settings $settings)
    {
        Schema::ensure();
    }

    /** Starts a run over every desired publisher; returns its id. */
    public function start(int $adminId = 0): int
    {
        $total = (new Desired())->estimate();
        $now = date('Y-m-d H:i:s');
        return (int) Capsule::table(Schema::RUNS)->insertGetId([
            'kind' => 'save', 'status' => self::RUNNING, 'total' => $total, 'admin_id' => $adminId,
            'created_at' => $now, 'updated_at' => $now,
        ]);
    }

    public function find(int $runId): ?\stdClass
    {
        $row = Capsule::table(Schema::RUNS)->where('id', $runId)->first();
        return $row === null ? null : (object) (array) $row;
    }

    /** @return list<\stdClass> runs not finished yet, newest first */
    public function unfinished(): array
    {
        return Capsule::table(Schema::RUNS)->where('status', self::RUNNING)->orderByDesc('id')->limit(20)->get()->all();
    }

    /**
     * One step: syncs the services the run has not finished, until the time budget is spent.
     * Returns 'done', 'more', 'busy' (another request holds the run) or 'error' (the run's
     * `error` says why; the next step retries).
     */
    public function step(int $runId, ?int $budgetMs = null): string
    {
        $budgetMs ??= $this->settings->stepBudgetMs();
        if (!$this->lease($runId, $budgetMs)) {
            $run = $this->find($runId);
            return $run !== null && $run->status === self::DONE ? self::DONE : 'busy';
        }
        $engine = new Engine($this->settings);
        $done = array_fill_keys(Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->pluck('item_key')->all(), true);
        $started = microtime(true);
        $complete = true;
        $error = null;
        $worked = false;
        $cursor = (int) ($this->find($runId)?->cursor ?? 0);
        foreach ((new Desired())->all($cursor) as $set) {
            $rest = $set->without($done);
            if ($rest->isEmpty()) {
                $this->advance($runId, $set);
                continue;
            }
            $left = (int) ($budgetMs - (microtime(true) - $started) * 1000);
            if ($worked && $left < 300) {
                $complete = false;
                break;
            }
            $result = $engine->sync('AddonSaveSettings', $rest, $worked ? $left : max($left, $budgetMs));
            $worked = true;
            if ($result['error'] !== null) {
                $error = $result['error'];
                $complete = false;
                break;
            }
            $pending = $this->store($runId, $result['report'], $rest);
            if ($pending > 0) {
                $complete = false;
                break;
            }
            $this->advance($runId, $set);
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
        return $complete ? self::DONE : ($error !== null ? 'error' : 'more');
    }

    /**
     * The run's report: counts by what was done, the failures with their reasons, and the
     * publishers with the actions applied.
     *
     * @return array{counts: array<string, int>, failed: list<\stdClass>, changed: list<\stdClass>, cpanel: list<\stdClass>}
     */
    public function report(int $runId, int $limit = 500): array
    {
        $counts = ['create' => 0, 'reactivate' => 0, 'change_package' => 0, 'update_profile' => 0, 'suspend' => 0,
            'unchanged' => 0, 'failed' => 0];
        foreach (Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->select(['outcome', 'actions'])
            ->selectRaw('count(*) as n')->groupBy('outcome', 'actions')->get() as $row) {
            if ($row->outcome === 'done') {
                foreach (array_filter(explode(',', (string) $row->actions)) as $action) {
                    $counts[$action] = ($counts[$action] ?? 0) + (int) $row->n;
                }
            } else {
                $counts[$row->outcome] = ($counts[$row->outcome] ?? 0) + (int) $row->n;
            }
        }
        $failed = Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->where('outcome', 'failed')
            ->orderBy('id')->limit($limit)->get()->all();
        $changed = Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->where('outcome', 'done')
            ->orderBy('id')->limit($limit)->get()->all();
        return ['counts' => $counts, 'failed' => $failed, 'changed' => $changed, 'cpanel' => Cpanel::results($runId)];
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

    /** Stores the finished services of a step; returns how many are still pending. */
    private function store(int $runId, array $report, DesiredSet $set): int
    {
        $rows = [];
        $pending = 0;
        foreach ($report['results'] ?? [] as $result) {
            $outcome = (string) ($result['outcome'] ?? '');
            if ($outcome === 'pending') {
                $pending++;
                continue;
            }
            foreach ($result['keys'] ?? [] as $key) {
                $rows[] = [
                    'run_id' => $runId,
                    'item_key' => (string) $key,
                    'username' => (string) ($result['username'] ?? ''),
                    'outcome' => $outcome,
                    'actions' => implode(',', (array) ($result['actions'] ?? [])),
                    'error' => isset($result['error']) ? mb_substr((string) $result['error'], 0, 2000) : null,
                ];
            }
        }
        foreach ($set->problems as $key => $message) {
            $rows[] = ['run_id' => $runId, 'item_key' => (string) $key, 'username' => '', 'outcome' => 'failed',
                'actions' => '', 'error' => mb_substr($message, 0, 2000)];
        }
        foreach (array_chunk($rows, 500) as $chunk) {
            Capsule::table(Schema::RUN_ITEMS)->insertOrIgnore($chunk);
        }
        return $pending;
    }
}
