<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\ClientName;

/**
 * The run history (mod_aflexi_cdn_runs and their items): every Save Settings run, cron
 * reconcile and retry, who started it (an admin, or the cron), when, how long it took, its
 * counts, and its report. Retention: the KEEP most recent runs; starting a run deletes the
 * older ones with their items, and the history page says so (the rule and how far back it goes).
 */
final class History
{
    public const SAVE = 'save';
    public const CRON = 'cron';
    public const RETRY = 'retry';
    /** Runs kept (with their reports); an older one is deleted when a new run starts. */
    public const KEEP = 100;
    /** Rows of each report table shown; the page says how many more there are. */
    public const REPORT_ROWS = 500;

    /** Starts a run of this kind (pruning the runs past KEEP); returns its id. */
    public static function begin(string $kind, int $adminId, int $total = 0): int
    {
        Schema::ensure();
        self::deleteOlder(self::KEEP - 1); // and this one makes KEEP
        $now = date('Y-m-d H:i:s');
        return (int) Capsule::table(Schema::RUNS)->insertGetId([
            'kind' => $kind, 'status' => Runs::RUNNING, 'total' => $total, 'admin_id' => $adminId,
            'created_at' => $now, 'updated_at' => $now,
        ]);
    }

    /** Ends a run that is not stepped (a reconcile, a retry): done, its counts, its error if any. */
    public static function end(int $runId, ?string $error = null): void
    {
        $finished = Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->count();
        $now = date('Y-m-d H:i:s');
        Capsule::table(Schema::RUNS)->where('id', $runId)->update([
            'status' => Runs::DONE, 'finished' => $finished, 'total' => $finished, 'steps' => 1,
            'error' => $error, 'finished_at' => $now, 'updated_at' => $now,
        ]);
    }

    /** Deletes the runs (and their items and cPanel results) older than the $keep most recent; returns how many. */
    public static function deleteOlder(int $keep = self::KEEP): int
    {
        $oldestKept = Capsule::table(Schema::RUNS)->orderByDesc('id')->skip(max(0, $keep - 1))->take(1)->value('id');
        if ($oldestKept === null) {
            return 0;
        }
        $old = Capsule::table(Schema::RUNS)->where('id', '<', $oldestKept)->pluck('id')->all();
        foreach (array_chunk($old, 500) as $ids) {
            Capsule::table(Schema::RUN_ITEMS)->whereIn('run_id', $ids)->delete();
            Capsule::table(Schema::CPANEL)->whereIn('run_id', $ids)->delete();
            Capsule::table(Schema::RUNS)->whereIn('id', $ids)->delete();
        }
        return count($old);
    }

    /**
     * The kept runs, newest first, with who, duration and counts.
     *
     * @return list<array<string, mixed>>
     */
    public static function runs(): array
    {
        $runs = self::withAdmin()->orderByDesc('r.id')->limit(self::KEEP)->get();
        $list = [];
        foreach ($runs as $run) {
            $list[] = self::describe($run);
        }
        return $list;
    }

    /** @return ?array<string, mixed> a run as runs() lists it, or null */
    public static function run(int $runId): ?array
    {
        $run = self::withAdmin()->where('r.id', $runId)->first();
        return $run === null ? null : self::describe($run);
    }

    /** Who started a run: the admin's username, or "cron" (no admin: the WHMCS cron). */
    public static function who(int $adminId, ?string $username): string
    {
        return $adminId === 0 ? 'cron' : ($username ?? "admin #$adminId");
    }

    /**
     * A run's rows of one outcome ('failed', 'done'), with the client's name, at most $limit.
     *
     * @return list<\stdClass> item_key, service_id, client_id, client, username, kind, actions, error
     */
    public static function items(int $runId, string $outcome, int $limit = self::REPORT_ROWS): array
    {
        $rows = Capsule::table(Schema::RUN_ITEMS . ' as i')->leftJoin('tblclients as c', 'c.id', '=', 'i.client_id')
            ->where('i.run_id', $runId)->where('i.outcome', $outcome)->orderBy('i.id')->limit($limit)
            ->select(['i.*', 'c.firstname', 'c.lastname', 'c.companyname', 'c.email'])->get();
        $items = [];
        foreach ($rows as $row) {
            $row->service_id = ctype_digit((string) $row->item_key) ? (int) $row->item_key : 0;
            $row->client = $row->email === null ? '' : ClientName::of($row->firstname, $row->lastname, $row->companyname, $row->email);
            $items[] = $row;
        }
        return $items;
    }

    /** How many rows of a run changed something on Aflexi. */
    public static function doneCount(int $runId): int
    {
        return Capsule::table(Schema::RUN_ITEMS)->where('run_id', $runId)->where('outcome', 'done')->count();
    }

    /** The runs with the username of the admin who started each (`admin`, null for the cron). */
    private static function withAdmin(): \Illuminate\Database\Query\Builder
    {
        return Capsule::table(Schema::RUNS . ' as r')->leftJoin('tbladmins as a', 'a.id', '=', 'r.admin_id')
            ->select(['r.*', 'a.username as admin']);
    }

    private static function describe(object $run): array
    {
        $started = strtotime((string) $run->created_at) ?: 0;
        $ended = $run->finished_at !== null ? (strtotime((string) $run->finished_at) ?: 0) : 0;
        $counts = RunItems::counts((int) $run->id);
        return [
            'id' => (int) $run->id,
            'kind' => (string) $run->kind,
            'status' => (string) $run->status,
            'who' => self::who((int) $run->admin_id, $run->admin),
            'started' => (string) $run->created_at,
            'seconds' => $ended > 0 ? max(0, $ended - $started) : null,
            'counts' => $counts,
            'summary' => RunItems::summary($counts),
            'error' => (string) ($run->error ?? ''),
        ];
    }
}
