<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Module\Server\Aflexi\ModuleCall;

/**
 * The addon's lines in WHMCS's Activity Log (logActivity, https://developers.whmcs.com/advanced/logging/):
 * one per finished run (Save Settings, cron reconcile, retry: who, counts, failures), one per
 * publisher a hook changed (with its service id, on the client's log too), and one per stored
 * password an admin was shown. A line names what happened and where to read more; it never
 * holds a password, an auth key or SQL (the texts come from the engine's report and the
 * run's counts only).
 */
final class Activity
{
    /** What a done action did to a publisher, as a log line says it. */
    private const DONE = ['create' => 'created', 'reactivate' => 'unsuspended', 'change_package' => 'package changed',
        'update_profile' => 'profile updated', 'suspend' => 'suspended'];
    /** What each kind of run is called in a line. */
    private const KINDS = [History::SAVE => 'Save Settings run', History::CRON => 'cron reconcile', History::RETRY => 'retry'];

    /** A finished run: "Aflexi CDN: Save Settings run #7 by admin: 3 created, 1 failed (report: ...)". */
    public static function runFinished(int $runId, string $suffix = ''): void
    {
        $run = History::run($runId);
        if ($run === null) {
            return;
        }
        ModuleCall::activity(sprintf(
            'Aflexi CDN: %s #%d by %s: %s%s (report: addonmodules.php?module=%s&action=run&id=%d)',
            self::KINDS[$run['kind']] ?? $run['kind'],
            $runId,
            $run['who'],
            RunItems::summary($run['counts']),
            $suffix,
            Settings::MODULE,
            $runId,
        ));
    }

    /**
     * One line per publisher a hook changed or failed to change, on its client's log:
     * "Aflexi CDN: InvoicePaid: publisher zoeweb (service #12) created".
     */
    public static function hookResults(string $hook, array $report, DesiredSet $set): void
    {
        foreach ($report['results'] ?? [] as $r) {
            $outcome = (string) ($r['outcome'] ?? '');
            $did = array_values(array_filter(array_map(static fn ($a): string => self::DONE[(string) $a] ?? '', (array) ($r['actions'] ?? []))));
            if ($outcome === 'done' && $did === []) {
                continue;
            }
            if ($outcome !== 'done' && $outcome !== 'failed') {
                continue;
            }
            $what = $outcome === 'done' ? implode(', ', $did)
                : sprintf('failed: %s (the cron reconcile retries it)', (string) ($r['error'] ?? ''));
            foreach ((array) ($r['keys'] ?? []) as $key) {
                ModuleCall::activity(sprintf('Aflexi CDN: %s: publisher %s (service #%s) %s', $hook,
                    self::local((string) ($r['username'] ?? '')), $key, $what), (int) ($set->clients[(string) $key] ?? 0));
            }
        }
    }

    /** An admin was shown a stored password: who, which service (never the password). */
    public static function passwordShown(string $admin, int $serviceId, int $clientId, string $username): void
    {
        ModuleCall::activity(sprintf('Aflexi CDN: admin %s viewed the stored Aflexi password of publisher %s (service #%d)',
            $admin, self::local($username), $serviceId), $clientId);
    }

    /** The local part of a full Aflexi username (Aflexi\username_parts), '?' for none. */
    private static function local(string $username): string
    {
        return $username === '' ? '?' : (string) \Aflexi\username_parts($username)['local'];
    }
}
