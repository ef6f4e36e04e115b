<?php
/**
 * The Aflexi side dies and comes back in the middle of a Save Settings run (docs/RELIABILITY.md
 * (h)): a private sandbox with a state file is stopped (SIGTERM: the calls in flight lose their
 * answer, the state is saved) while a separate PHP process steps a run, then started again on
 * the same port from its state file once a step has failed on it. The run's steps fail while
 * it is down (the publishers in flight fail for the outage, the rest are not started, and
 * none of them counts as finished) and the run finishes: one publisher per service, every one
 * ACTIVE on its package, none reported failed, records and passwords in agreement.
 *
 * AFLEXI_DRILL_PUBLISHERS sets the size (300 by default; `make drill` runs 10,000).
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use AflexiModuleTests\Support\RawXmlRpc;
use AflexiTests\Support\SandboxProcess;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Runs;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Addon;
use WhmcsHarness\Fixtures;

final class ApiRestartTest extends AddonTestCase
{
    private const LOGIN = 'restart-op';
    private const KEY = 'restart-KEY-7d1c';

    public function testTheApiKilledAndRestartedMidRunLeavesNoDuplicateAndTheRunFinishes(): void
    {
        $n = max(50, (int) (getenv('AFLEXI_DRILL_PUBLISHERS') ?: 300));
        $state = tempnam(sys_get_temp_dir(), 'restart-state');
        unlink($state); // the sandbox makes it
        $api = new SandboxProcess(['--state-file', $state, '--operator', self::LOGIN . ':' . self::KEY, '--latency-ms', '5']);
        $hostPort = $api->hostPort();
        $server = Fixtures::server(['name' => 'Restarting Aflexi', 'hostname' => $hostPort, 'secure' => '',
            'username' => self::LOGIN, 'password' => self::KEY]);
        $product = $this->product('Restart', 'restart');
        for ($i = 0; $i < $n; $i++) {
            $this->activeService($product, ['username' => sprintf('rst%05d', $i)]);
        }
        Capsule::table(Schema::PRODUCTS)->insert(['product_id' => $product]);
        Addon::configure(self::MODULE, ['server' => (string) $server, 'concurrency' => '4', 'step_seconds' => '2'], false);
        $actor = $this->actor(['save', '1'], ['AFLEXI_DRILL_STEP_LINES' => '1']);
        self::go($actor);
        // Stopped once a third of the publishers are made, and started again from its state file.
        $api->answered('user.create', (int) ceil($n / 3));
        $seen = count($api->state()['publishers'] ?? []);
        $api->stop(); // SIGTERM: it stops answering, saves its state file and exits ("state kept")
        $madeBefore = count(array_filter($this->publishersOn($state), fn (array $p): bool => $this->mine($p)));
        // Down until a step of the run has failed on it (the run notes the error and goes on):
        // the actor prints a line after each step, and the run's row is read after each line.
        $downError = '';
        while ($downError === '' && ($line = fgets($actor[1][1])) !== false) {
            self::assertStringStartsWith('step ', $line, 'the actor ended before a step failed');
            $downError = (string) Capsule::table(Schema::RUNS)->orderByDesc('id')->value('error');
        }
        self::assertNotSame('', $downError, 'no step failed while Aflexi was down');
        $api = new SandboxProcess(['--listen', $hostPort, '--state-file', $state, '--operator', self::LOGIN . ':' . self::KEY]);

        $out = self::finish($actor);

        $mine = array_values(array_filter($api->state()['publishers'] ?? [], fn (array $p): bool => $this->mine($p)));
        $names = array_map(static fn (array $p): string => strtolower((string) $p['username']), $mine);
        fwrite(STDERR, sprintf("\napi restart drill: %d publishers; stopped holding %d publishers, %d of them in its saved state; steps %s; "
            . "after the restart %d publishers, %d distinct\n", $n, $seen, $madeBefore, json_encode($out['steps'] ?? null), count($names), count(array_unique($names))));
        self::assertStringContainsString('Aflexi API', $downError, 'the step says Aflexi did not answer');
        self::assertGreaterThanOrEqual(1, $out['steps']['error'] ?? 0, 'steps failed while it was down');
        self::assertCount($n, $names, 'one publisher per service');
        self::assertCount($n, array_unique($names), 'no duplicate');
        $links = array_filter($api->state()['links'] ?? [], static fn (array $l): bool => strtoupper((string) $l['status']) === 'ACTIVE');
        self::assertGreaterThanOrEqual($n, count($links));
        self::assertSame($n, Capsule::table(Schema::PUBLISHERS)->where('status', 'ACTIVE')->whereNotNull('publisher_id')->count());
        $run = Capsule::table(Schema::RUNS)->orderByDesc('id')->first();
        self::assertSame(Runs::DONE, $run->status);
        self::assertSame(0, Capsule::table(Schema::RUN_ITEMS)->where('run_id', $run->id)->where('outcome', 'failed')->count(),
            'no service is reported failed for the time Aflexi was down');
        $xmlrpc = new RawXmlRpc($api->coreUrl());
        $operator = (int) explode('/', $names[0])[1];
        foreach (Capsule::table(Schema::PUBLISHERS)->get() as $row) {
            self::assertNull($row->pending_password);
            $answer = $xmlrpc->call('user.get', [$row->username . '/' . $operator, decrypt((string) $row->password), ['self' => true]]);
            self::assertFalse(RawXmlRpc::isFault($answer), "the shown password of $row->username works");
        }
        $api->stop();
        @unlink($state);
    }

    private function mine(array $publisher): bool
    {
        return str_starts_with(strtolower((string) $publisher['username']), 'rst');
    }

    /** @return list<array<string, mixed>> the publishers in a state file */
    private function publishersOn(string $stateFile): array
    {
        $state = json_decode((string) @file_get_contents($stateFile), true);
        return is_array($state) ? array_values($state['publishers'] ?? $state['users'] ?? []) : [];
    }
}
