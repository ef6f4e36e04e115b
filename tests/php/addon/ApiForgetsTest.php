<?php
/**
 * The Aflexi side forgets writes it acknowledged (docs/RELIABILITY.md (h)): a private sandbox
 * with a state file holds N publishers synced by the daily cron; a copy of its state file is
 * taken; then publishers are created, suspended and moved to another package, each call
 * answered; then the sandbox is restarted from the copy, so those writes are gone (what a
 * `kill -9` before its state file was saved does, by chance; here on purpose). One daily
 * cron reconcile must repair it: one publisher per service, each on its desired status and
 * package, each record holding the publisher's id and a password that logs in.
 *
 * AFLEXI_DRILL_SERVICES sets N (50 by default).
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use AflexiModuleTests\Support\RawXmlRpc;
use AflexiTests\Support\SandboxProcess;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Addon;
use WhmcsHarness\Fixtures;

final class ApiForgetsTest extends AddonTestCase
{
    private const LOGIN = 'forget-op';
    private const KEY = 'forget-KEY-3a9e';

    private SandboxProcess $api;
    private string $state;

    public function testOneReconcileRepairsWritesAflexiAcknowledgedAndForgot(): void
    {
        $n = max(20, (int) (getenv('AFLEXI_DRILL_SERVICES') ?: 50));
        $this->state = tempnam(sys_get_temp_dir(), 'forget-state');
        unlink($this->state); // the sandbox makes it
        $this->api = new SandboxProcess(['--state-file', $this->state, '--operator', self::LOGIN . ':' . self::KEY]);
        $hostPort = $this->api->hostPort();
        $server = Fixtures::server(['name' => 'Forgetful Aflexi', 'hostname' => $hostPort, 'secure' => '',
            'username' => self::LOGIN, 'password' => self::KEY]);
        $gold = $this->product('Forget Gold', 'fgold');
        $silver = $this->product('Forget Silver', 'fsilver');
        Capsule::table(Schema::PRODUCTS)->insert([['product_id' => $gold], ['product_id' => $silver]]);
        Addon::configure(self::MODULE, ['server' => (string) $server], false);
        $services = [];
        for ($i = 0; $i < $n; $i++) {
            $services[] = $this->activeService($gold, ['username' => sprintf('fgt%05d', $i)]);
        }
        run_hook('DailyCronJob', []);
        self::assertSame($this->desired($services, [], []), $this->onAflexi(), 'the first sync');

        // What Aflexi will remember: its state file now.
        $this->restart($hostPort);
        $snapshot = $this->state . '.copy';
        self::assertTrue(copy($this->state, $snapshot));

        // Acknowledged writes: a fifth more publishers, a tenth suspended, a tenth moved to silver.
        $tenth = intdiv($n, 10);
        for ($i = $n; $i < $n + 2 * $tenth; $i++) {
            $services[] = $this->activeService($gold, ['username' => sprintf('fgt%05d', $i)]);
        }
        $suspended = array_slice($services, 0, $tenth);
        $moved = array_slice($services, $tenth, $tenth);
        Capsule::table('tblhosting')->whereIn('id', $suspended)->update(['domainstatus' => 'Suspended']);
        Capsule::table('tblhosting')->whereIn('id', $moved)->update(['packageid' => $silver]);
        run_hook('DailyCronJob', []);
        $want = $this->desired($services, $suspended, $moved);
        self::assertSame($want, $this->onAflexi(), 'Aflexi acknowledged the writes');
        $acknowledged = $this->passwords();

        // Aflexi forgets them: started again from the earlier copy of its state file.
        $this->api->stop();
        self::assertTrue(rename($snapshot, $this->state));
        $this->api = new SandboxProcess(['--listen', $hostPort, '--state-file', $this->state, '--operator', self::LOGIN . ':' . self::KEY]);
        $forgotten = count(array_diff($want, $this->onAflexi()));
        self::assertSame(4 * $tenth, $forgotten, 'the new, suspended and moved publishers are forgotten');

        $before = $this->api->calls();
        run_hook('DailyCronJob', []);
        $after = $this->api->calls();
        $calls = array_filter(array_combine(array_keys($after),
            array_map(static fn (string $m): int => (int) $after[$m] - (int) ($before[$m] ?? 0), array_keys($after))));

        self::assertSame($want, $this->onAflexi(), 'one reconcile: every service on its status and package, once');
        $ids = $this->ids();
        $changed = 0;
        foreach (Capsule::table(Schema::PUBLISHERS)->whereIn('service_id', $services)->get() as $row) {
            $name = strtolower((string) $row->username);
            self::assertSame($ids[$name] ?? null, (int) $row->publisher_id, "the record of $name holds its publisher's id");
            self::assertNull($row->pending_password, $name);
            $password = decrypt((string) $row->password);
            self::assertTrue($this->logsIn($name, $password), "the shown password of $name logs in");
            $changed += (int) ($password !== ($acknowledged[$name] ?? null));
        }
        fwrite(STDERR, sprintf("\nforget drill: %d services, %d writes forgotten; one reconcile: %d publishers, 0 duplicates, "
            . "%d shown passwords new (re-created publishers), calls %s\n",
            count($services), $forgotten, count($want), $changed, json_encode($calls)));
        $this->api->stop();
        @unlink($this->state);
    }

    /** Stops the sandbox (SIGTERM: it saves its state file) and starts it again from that file. */
    private function restart(string $hostPort): void
    {
        $this->api->stop();
        $this->api = new SandboxProcess(['--listen', $hostPort, '--state-file', $this->state, '--operator', self::LOGIN . ':' . self::KEY]);
    }

    /**
     * The wanted "status package" of each service's username, sorted by username (a list, so
     * that a duplicate publisher would show).
     *
     * @param list<int> $services
     * @param list<int> $suspended
     * @param list<int> $moved
     * @return array<int, string>
     */
    private function desired(array $services, array $suspended, array $moved): array
    {
        $want = [];
        foreach ($services as $i => $id) {
            $want[sprintf('fgt%05d', $i)] = (in_array($id, $suspended, true) ? 'SUSPENDED' : 'ACTIVE')
                . ' ' . (in_array($id, $moved, true) ? 'fsilver' : 'fgold');
        }
        ksort($want);
        return array_values(array_map(static fn (string $u, string $s): string => "$u $s", array_keys($want), $want));
    }

    /** @return array<int, string> "username status package" of every publisher on Aflexi, sorted */
    private function onAflexi(): array
    {
        $state = $this->api->state();
        $packages = array_column($state['packages'] ?? [], 'name', 'id');
        $links = array_column($state['links'] ?? [], null, 'publisher');
        $have = [];
        foreach ($state['publishers'] ?? [] as $p) {
            $link = $links[$p['id']] ?? null;
            $have[] = strtolower(explode('/', (string) $p['username'])[0]) . ' ' . strtoupper((string) ($link['status'] ?? 'NO-LINK'))
                . ' ' . ($link !== null ? ($packages[$link['package']] ?? '?') : '-');
        }
        sort($have);
        return $have;
    }

    /** @return array<string, int> the publisher id of each local username on Aflexi */
    private function ids(): array
    {
        $ids = [];
        foreach ($this->api->state()['publishers'] ?? [] as $p) {
            $ids[strtolower(explode('/', (string) $p['username'])[0])] = (int) $p['id'];
        }
        return $ids;
    }

    /** @return array<string, string> the password the addon shows, by local username */
    private function passwords(): array
    {
        $shown = [];
        foreach (Capsule::table(Schema::PUBLISHERS)->get() as $row) {
            $shown[strtolower((string) $row->username)] = decrypt((string) $row->password);
        }
        return $shown;
    }

    private function logsIn(string $localUsername, string $password): bool
    {
        $operator = (int) explode('/', (string) $this->api->state()['publishers'][0]['username'])[1];
        $answer = (new RawXmlRpc($this->api->coreUrl()))->call('user.get', [$localUsername . '/' . $operator, $password, ['self' => true]]);
        return !RawXmlRpc::isFault($answer);
    }
}
