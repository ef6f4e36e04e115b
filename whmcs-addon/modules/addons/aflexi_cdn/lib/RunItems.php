<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Text;

/**
 * The services a run finished (mod_aflexi_cdn_run_items), written by every kind of run (a Save
 * Settings step, a cron reconcile slice, a retry), so that each report can be read later. A
 * failed row keeps the engine's kind of its failure, which the report turns into what an
 * admin can do (action()).
 */
final class RunItems
{
    /** The kind of a failure the engine found in the entry itself (aflexi-core's INVALID_INPUT). */
    public const INVALID_INPUT = 'invalid_input';
    /**
     * What an admin can do about a failure, by the engine's error kind (SyncResult::error_kind,
     * Aflexi\Error::kind in the core): the language key action_<this>. A kind not listed
     * (fault, not_found, too_large, redirect, a new one) is a refusal by Aflexi.
     */
    private const ACTIONS = [
        self::INVALID_INPUT => 'invalid',
        'authentication' => 'authentication',
        'internal' => 'internal',
        'connect' => 'outage', 'refused' => 'outage', 'dns' => 'outage', 'tls' => 'outage',
        'timeout' => 'outage', 'http_status' => 'outage', 'io' => 'outage', 'protocol' => 'outage',
    ];

    /** The action (language key action_<it>) for a failure of this kind. */
    public static function action(?string $kind): string
    {
        return self::ACTIONS[(string) $kind] ?? 'refused';
    }

    /**
     * Whether a publisher's result is left for a later step: not started (pending), or failed
     * because Aflexi did not answer (the engine's `outage`), which a later step is expected to
     * get through, where any other failure would repeat as it is.
     */
    public static function leftForLater(array $result): bool
    {
        $outcome = (string) ($result['outcome'] ?? '');
        return $outcome === 'pending' || ($outcome === 'failed' && ($result['outage'] ?? false) === true);
    }

    /**
     * Stores the finished services of a synced batch; returns how many are left for later.
     * $keepOutages stores the outage failures too (a reconcile or a retry, which no later step
     * of the same run picks up).
     */
    public static function store(int $runId, array $report, DesiredSet $set, bool $keepOutages = false): int
    {
        $rows = [];
        $pending = 0;
        foreach ($report['results'] ?? [] as $result) {
            $outcome = (string) ($result['outcome'] ?? '');
            if ($outcome === 'pending' || (!$keepOutages && self::leftForLater($result))) {
                $pending++;
                continue;
            }
            foreach ($result['keys'] ?? [] as $key) {
                $rows[] = [
                    'run_id' => $runId,
                    'item_key' => (string) $key,
                    'client_id' => (int) ($set->clients[(string) $key] ?? 0),
                    'username' => (string) ($result['username'] ?? ''),
                    'outcome' => $outcome,
                    'kind' => $outcome === 'failed' ? (string) ($result['error_kind'] ?? '') : null,
                    'actions' => implode(',', (array) ($result['actions'] ?? [])),
                    'error' => isset($result['error']) ? Text::cap((string) $result['error']) : null,
                ];
            }
        }
        foreach ($set->problems as $key => $message) {
            $rows[] = ['run_id' => $runId, 'item_key' => (string) $key, 'client_id' => (int) ($set->clients[$key] ?? 0),
                'username' => '', 'outcome' => 'failed', 'kind' => self::INVALID_INPUT, 'actions' => '', 'error' => Text::cap($message)];
        }
        foreach (array_chunk($rows, 500) as $chunk) {
            Capsule::table(Schema::RUN_ITEMS)->insertOrIgnore($chunk);
        }
        return $pending;
    }

    /**
     * Counts of a run by what was done (each action of a done row) and by outcome otherwise.
     *
     * @return array<string, int>
     */
    public static function counts(int $runId): array
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
        return $counts;
    }

    /** "3 created, 1 suspended, 2 failed" (the counts that are not zero; "nothing changed" else). */
    public static function summary(array $counts): string
    {
        $words = ['create' => 'created', 'reactivate' => 're-activated', 'change_package' => 'package changed',
            'update_profile' => 'profile updated', 'suspend' => 'suspended', 'unchanged' => 'unchanged', 'failed' => 'failed'];
        $parts = [];
        foreach ($counts as $name => $n) {
            if ((int) $n > 0) {
                $parts[] = sprintf('%d %s', $n, $words[$name] ?? str_replace('_', ' ', (string) $name));
            }
        }
        return $parts === [] ? 'nothing to do' : implode(', ', $parts);
    }
}
