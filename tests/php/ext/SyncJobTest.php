<?php
/**
 * Client::syncStart runs the sync of sync() on a background thread: SyncJob::wait() returns
 * what sync() returns or throws what it throws, a forked child refuses the parent's job, a
 * job freed unwaited still finishes (its thread is joined), and other calls can run on the
 * PHP thread meanwhile.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\Client;
use Aflexi\InvalidInputException;
use Aflexi\SyncJob;
use Aflexi\TransportException;

final class SyncJobTest extends ExtensionTestCase
{
    private const HANG_GUARD = 20;

    protected function tearDown(): void
    {
        $this->sandbox->calm();
    }

    public function testWaitReturnsWhatSyncReturns(): void
    {
        $client = $this->client();
        $names = [self::unique('joba'), self::unique('jobb'), self::unique('jobc')];
        $desired = array_map(fn ($n) => self::desired($n), $names);
        $desired[1]['key'] = 4321;
        $desired[2]['password'] = 'Chosen-Passw0rd';
        $job = $client->syncStart($desired, ['concurrency' => 2]);
        self::assertInstanceOf(SyncJob::class, $job);
        $report = $job->wait();
        self::assertTrue($job->isDone());
        self::assertSame(['results', 'counts', 'packages_created', 'elapsed_ms'], array_keys($report));
        self::assertSame(['done' => 3], array_intersect_key($report['counts'], ['done' => 0]));
        self::assertSame(['4321'], $report['results'][1]['keys']);
        foreach ($report['results'] as $result) {
            self::assertSame('done', $result['outcome']);
            self::assertSame('ACTIVE', $this->sandbox->link($result['publisher_id'])['status']);
        }
        self::assertSame('Chosen-Passw0rd', $report['results'][2]['password']);

        // The same desired state through sync() and through a job: the same (empty) work.
        $direct = $client->sync($desired);
        $again = $client->syncStart($desired)->wait();
        unset($direct['elapsed_ms'], $again['elapsed_ms']);
        self::assertSame(['unchanged' => 3], $again['counts']);
        self::assertSame($direct, $again);
    }

    public function testCallsOnThePhpThreadWorkWhileAJobRuns(): void
    {
        $client = $this->client();
        $seeded = self::unique('jobseen');
        $id = $this->sandbox->seedPublishers(1, $seeded)['first'];
        $this->sandbox->configure(['latency_ms' => 30]);
        $names = [];
        for ($i = 0; $i < 8; $i++) {
            $names[] = self::unique('jobpar');
        }
        $job = $client->syncStart(array_map(fn ($n) => self::desired($n), $names), ['concurrency' => 2]);
        // Made while the job's calls are in flight (8 creates at 2 at a time take > 4 calls' time).
        self::assertSame($id, $client->getPublisher($id)['id']);
        $plan = $this->client()->syncPlan([self::desired(self::unique('jobplan'))]);
        self::assertSame(['create'], $plan['entries'][0]['actions']);
        $report = $job->wait();
        self::assertSame(8, $report['counts']['done']);
    }

    public function testIsDoneIsFalseWhileACallIsHeldAndBecomesTrueWithoutWaiting(): void
    {
        $before = $this->sandbox->received();
        $this->sandbox->configure(['latency_ms' => 600_000]); // held until released
        $job = $this->client()->syncStart([self::desired(self::unique('jobdone'))]);
        $this->sandbox->received($before + 1);
        self::assertFalse($job->isDone(), 'done while its first call is held');
        $this->sandbox->calm(); // no latency from now on, the held call goes on
        $this->sandbox->idle();
        // Every call of the job is answered: only the job's own bookkeeping is left, so isDone
        // is polled (what it is for) without a pause, until the guard.
        $deadline = microtime(true) + self::HANG_GUARD;
        while (!$job->isDone() && microtime(true) < $deadline) {
        }
        self::assertTrue($job->isDone());
        self::assertSame('done', $job->wait()['results'][0]['outcome']);
    }

    public function testBadInputThrowsAtStartOrFailsItsEntry(): void
    {
        $client = $this->client();
        // A bad entry with a key fails alone (a failed result under its key), as in sync().
        $report = $client->syncStart([['key' => 'k', 'username' => 'x', 'bogus' => 1]])->wait();
        self::assertSame(['failed' => 1], $report['counts']);
        self::assertSame(['k'], $report['results'][0]['keys']);
        self::assertStringContainsString("unknown key 'bogus'", (string) $report['results'][0]['error']);
        // Without a key, or with bad options, the start throws.
        try {
            $client->syncStart([['username' => 'x']]);
            self::fail('no error');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('invalid $desired[0]', $e->getMessage());
        }
        $this->expectException(InvalidInputException::class);
        $client->syncStart([], ['budget' => 5]);
    }

    public function testADownApiThrowsTheTransportExceptionAtWait(): void
    {
        $client = new Client('http://127.0.0.1:1/core/xmlrpc', 'acme', 'key', ['retries' => 0, 'connect_timeout' => 1]);
        $job = $client->syncStart([self::desired(self::unique('jobdown'))]);
        try {
            $client->sync([self::desired(self::unique('jobdown'))]);
            self::fail('sync() did not throw');
        } catch (TransportException $direct) {
        }
        try {
            $job->wait();
            self::fail('wait() did not throw');
        } catch (TransportException $e) {
            self::assertSame($direct->getMessage(), $e->getMessage());
        }
        // The report (here: the exception) is taken once.
        $this->expectException(\Aflexi\Exception::class);
        $this->expectExceptionMessage('already taken');
        $job->wait();
    }

    public function testAnUnwaitedJobFreedAtTheEndOfItsScopeStillCompletes(): void
    {
        $this->sandbox->configure(['latency_ms' => 50]);
        $name = self::unique('jobfree');
        (function () use ($name): void {
            $this->client()->syncStart([self::desired($name)]);
            // The job is freed here, unwaited: freeing joins its thread.
        })();
        $found = $this->client()->findPublisher($name);
        self::assertNotNull($found, 'the freed job did not finish its sync');
    }

    public function testAJobIsMadeOnlyBySyncStart(): void
    {
        $this->expectException(\Exception::class);
        $this->expectExceptionMessage('cannot instantiate');
        new SyncJob();
    }

    /** @requires extension pcntl */
    #[\PHPUnit\Framework\Attributes\RequiresPhpExtension('pcntl')]
    public function testAForkedChildRefusesTheParentsJob(): void
    {
        $this->sandbox->configure(['latency_ms' => 100]);
        $client = $this->client();
        $job = $client->syncStart([self::desired(self::unique('jobfork'))]);
        $pid = pcntl_fork();
        self::assertNotSame(-1, $pid, 'fork failed');
        if ($pid === 0) {
            pcntl_alarm(self::HANG_GUARD);
            $ok = false;
            try {
                $ok = $job->isDone(); // never blocks, and says wait() returns at once
                $job->wait();
                $ok = false;
            } catch (\Aflexi\Exception $e) {
                $ok = $ok && str_contains($e->getMessage(), 'before fork()');
            }
            // The child can still start and wait for its own job.
            $ok = $ok && $client->syncStart([self::desired(self::unique('jobchild'))])->wait()['counts']['done'] === 1;
            unset($job); // freeing the inherited job must not join a thread the child lacks
            exit($ok ? 0 : 1);
        }
        pcntl_waitpid($pid, $status);
        self::assertTrue(pcntl_wifexited($status), 'the child was killed (hung?)');
        self::assertSame(0, pcntl_wexitstatus($status), 'the child did not refuse the job or its own job failed');
        self::assertSame(1, $job->wait()['counts']['done']);
    }
}
