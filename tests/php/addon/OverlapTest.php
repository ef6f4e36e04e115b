<?php
/**
 * Work that overlaps (docs/RELIABILITY.md (f)): two Save Settings runs, the cron reconcile, a stream
 * of hooks (paid, refunded, edited, closed) and module commands (suspend, change package,
 * unsuspend) on the same services, all at once in separate PHP processes on one MariaDB and
 * one Aflexi sandbox failing 10 % of the calls. The addon serialises its syncs (SyncLock), so:
 * no duplicate publisher, every shown password works, every service Aflexi disagrees with
 * WHMCS about afterwards has a reason the addon knows (a failed call on record, a client
 * still queued, or a module command, which fires no addon hook), one more daily cron at 10 %
 * faults leaves only what its own failed calls are on record for, and a calm one nothing.
 *
 * AFLEXI_DRILL_SERVICES sets the size (100 by default; `make drill` runs 1,000). Group
 * "drill": make test runs it in the PHP 8.2 / Illuminate 7.12 / sql_mode '' leg (what WHMCS
 * runs), not again in the other legs (scripts/test.sh).
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\ClientQueue;
use WHMCS\Module\Addon\AflexiCdn\Desired;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Actions;
use WhmcsHarness\Addon;
use WhmcsHarness\Fixtures;

/** @group drill */
#[\PHPUnit\Framework\Attributes\Group('drill')]
final class OverlapTest extends AddonTestCase
{
    private const FAULTS = ['latency_ms' => 5, 'fault_rate' => 0.1, 'fault_kinds' => ['http500', 'reset', 'malformed', 'fault'], 'seed' => 18];

    public function testRunsReconcileHooksAndModuleCommandsAtOnceUnderFaultsLeaveNoDuplicateAndNoLostUpdate(): void
    {
        $n = max(20, (int) (getenv('AFLEXI_DRILL_SERVICES') ?: 100));
        $gold = $this->product('Overlap Gold', 'gold');
        $silver = $this->product('Overlap Silver', 'silver');
        $services = [];
        for ($i = 0; $i < $n; $i++) {
            $serviceId = $this->activeService($gold, ['username' => sprintf('ovl%04d', $i)]);
            $clientId = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('userid');
            $services[] = [$serviceId, $clientId, Fixtures::invoiceForService($serviceId)];
        }
        Capsule::table(Schema::PRODUCTS)->insert([['product_id' => $gold], ['product_id' => $silver]]);
        Addon::configure(self::MODULE, ['step_seconds' => '1', 'concurrency' => '4'], false);
        $list = tempnam(sys_get_temp_dir(), 'overlap');
        file_put_contents($list, json_encode($services));
        $this->sandbox->configure(self::FAULTS);

        $done = $list . '.hooks-done';
        $actors = [];
        foreach ([['save', '1'], ['save', '2'], ['reconcile'], ['hooks', $list], ['module', $list]] as $args) {
            $actors[] = $this->actor($args, ['AFLEXI_DRILL_DONE' => $done,
                'AFLEXI_DRILL_FIRST_PRODUCT' => (string) $gold, 'AFLEXI_DRILL_SECOND_PRODUCT' => (string) $silver]);
        }
        $started = microtime(true); // every actor attached and waiting: they start together
        array_map(self::go(...), $actors);
        $outputs = array_map(self::finish(...), $actors);
        $wall = microtime(true) - $started;
        unlink($list);
        @unlink($done);
        $this->sandbox->calm();

        // No duplicate publisher, and every password the addon shows is the one Aflexi has.
        $names = $this->publisherNames();
        self::assertCount(count(array_unique($names)), $names, 'no duplicate publisher');
        self::assertGreaterThan($n / 2, count($names));
        foreach ($names as $name) {
            self::assertMatchesRegularExpression('/^ovl\d{4}$/', $name);
        }
        $passwords = 0;
        foreach (Capsule::table(Schema::PUBLISHERS)->whereNotNull('password')->get() as $row) {
            self::assertTrue($this->passwordWorks($row->username, decrypt((string) $row->password)), "the shown password of $row->username works");
            $passwords++;
        }

        // No lost update: where Aflexi differs from the desired state read after the last
        // event, the addon knows why (a failed call on record, a queued client, or a module
        // command: those fire no addon hook and are the reconcile's job).
        $diverged = $this->diverged($services);
        $unexplained = [];
        foreach ($diverged as $index => $actions) {
            [$serviceId, $clientId] = $services[$index];
            $record = $this->record($serviceId);
            $known = ($record !== null && $record->last_error !== null) || in_array($clientId, ClientQueue::all(), true)
                || in_array($index % 10, [4, 5, 6], true);
            if (!$known) {
                $unexplained[$serviceId] = $actions;
            }
        }
        self::assertSame([], $unexplained, 'services Aflexi disagrees with and the addon does not know why (lost updates)');

        // One more daily cron, faults still on: what still differs is only what a call of that
        // very cron failed for (on record); a last cron with the API calm leaves nothing.
        $this->sandbox->configure(self::FAULTS);
        Actions::runDailyCron();
        $this->sandbox->calm();
        $after = $this->diverged($services);
        foreach (array_keys($after) as $index) {
            self::assertNotNull($this->record($services[$index][0])?->last_error, "service #{$services[$index][0]} still differs and nothing failed for it");
        }
        Actions::runDailyCron();
        self::assertSame([], $this->diverged($services), 'converged');
        self::assertCount(count(array_unique($this->publisherNames())), $this->publisherNames());

        fwrite(STDERR, sprintf("\noverlap drill: %d services, 5 actors in %.1f s; %d publishers, 0 duplicates, %d passwords checked; "
            . "%d disagreeing after the storm (all explained), %d after one more daily cron at 10 %% faults (each with its failed call on record), 0 after a calm one; hooks deferred by the lock: %d\n%s\n",
            $n, $wall, count($names), $passwords, count($diverged), count($after), $this->deferredHooks(),
            json_encode(array_map(self::summary(...), $outputs))));
    }

    /**
     * The services whose publisher differs from the desired state read now, by index: the
     * engine's own plan against Aflexi (its actions), plus the status read directly.
     *
     * @param list<array{0: int, 1: int, 2: int}> $services
     * @return array<int, list<string>>
     */
    private function diverged(array $services): array
    {
        $index = [];
        foreach ($services as $i => [$serviceId]) {
            $index[(string) $serviceId] = $i;
        }
        $set = (new Desired())->forClients(array_values(array_unique(array_column($services, 1))));
        $status = [];
        foreach ($this->aflexi()->listPublishers() as $p) {
            $status[strtolower(explode('/', $p['username'])[0])] = strtoupper((string) $p['status']);
        }
        $diverged = [];
        foreach ($this->aflexi()->syncPlan($set->entries)['entries'] ?? [] as $entry) {
            foreach ($entry['keys'] ?? [] as $key) {
                if (($entry['actions'] ?? []) !== []) {
                    $diverged[$index[(string) $key]] = (array) $entry['actions'];
                }
            }
        }
        foreach ($set->entries as $entry) {
            $want = strtoupper($entry['status']);
            $have = $status[strtolower($entry['username'])] ?? null;
            if (($have !== null || $want === 'ACTIVE') && $have !== $want) {
                $diverged[$index[$entry['key']]] ??= ["status $have, desired $want"];
            }
        }
        ksort($diverged);
        return $diverged;
    }

    /** An actor's output in short: its runs and reconciles counted, not listed. */
    private static function summary(mixed $output): mixed
    {
        if (is_array($output) && is_array($output['runs'] ?? null)) {
            $output['runs'] = count($output['runs']);
        }
        return $output;
    }

    /** @return list<string> the local usernames of the drill's publishers on Aflexi */
    private function publisherNames(): array
    {
        $names = [];
        foreach ($this->aflexi()->listPublishers() as $p) {
            $names[] = strtolower(explode('/', $p['username'])[0]);
        }
        return $names;
    }

    /** Hooks that found another sync holding the lock too long and left their clients to the cron. */
    private function deferredHooks(): int
    {
        return Capsule::table('tblactivitylog')->where('description', 'like', '%another synchronization is in progress%')->count();
    }
}
