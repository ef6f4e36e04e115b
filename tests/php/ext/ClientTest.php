<?php
/**
 * Aflexi\Client against the sandbox: every method, its result shape, and what it did to
 * Aflexi's state as the sandbox records it.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\Client;
use Aflexi\InvalidInputException;
use Aflexi\NotFoundException;
use AflexiTests\Support\SandboxProcess;

final class ClientTest extends ExtensionTestCase
{
    private const PUBLISHER_KEYS = ['id', 'username', 'email', 'name', 'status', 'package'];

    public function testVerifyCredentialsReturnsTheOperator(): void
    {
        $operator = $this->client()->verifyCredentials();
        self::assertSame(['id', 'username', 'email', 'name'], array_keys($operator));
        self::assertSame(SandboxProcess::OPERATOR, $operator['username']);
        self::assertIsInt($operator['id']);
    }

    public function testOperatorIsLookedUpOncePerProcess(): void
    {
        $first = $this->client()->operator();
        $client = $this->client();
        $client->resetCallCounts();
        self::assertSame($first, $client->operator());
        self::assertSame([], $client->callCounts(), 'the operator was asked for again');
    }

    public function testEnsurePackageCreatesItOnceAndFindPackageFindsIt(): void
    {
        $client = $this->client();
        $name = self::unique('Pkg ');
        self::assertNull($client->findPackage($name));
        $created = $client->ensurePackage($name);
        self::assertSame(['id', 'name', 'bandwidth_limit_gb'], array_keys($created));
        self::assertSame($name, $created['name']);
        self::assertSame($created, $client->ensurePackage($name));
        self::assertSame($created['id'], $client->findPackage("  $name ")['id']);
        $names = array_column($client->listPackages(), 'name');
        self::assertContains($name, $names);
        $inSandbox = array_filter($this->sandbox->state()['packages'], fn ($p) => $p['name'] === $name);
        self::assertCount(1, $inSandbox);
    }

    public function testCreatePublisherCreatesItWithItsPackageAndPassword(): void
    {
        $username = self::unique('create');
        $result = $this->client()->createPublisher([
            'username' => $username, 'email' => "$username@example.com", 'name' => 'Create Test',
            'password' => 'Initial-Passw0rd', 'package' => 'Gold',
        ]);
        self::assertSame(['publisher', 'outcome'], array_keys($result));
        self::assertSame('created', $result['outcome']);
        $publisher = $result['publisher'];
        self::assertSame(self::PUBLISHER_KEYS, array_keys($publisher));
        self::assertStringStartsWith("$username/", $publisher['username']);
        self::assertSame('ACTIVE', $publisher['status']);
        self::assertSame('Gold', $publisher['package']['name']);
        $user = $this->sandbox->user($publisher['id']);
        self::assertTrue($user['hasPassword']);
        self::assertSame("$username@example.com", $user['email']);
        self::assertSame('ACTIVE', $this->sandbox->link($publisher['id'])['status']);
    }

    public function testCreatingATerminatedPublisherAgainRevivesIt(): void
    {
        $client = $this->client();
        $username = self::unique('revive');
        $new = ['username' => $username, 'email' => "$username@example.com", 'name' => 'R',
            'password' => 'Initial-Passw0rd', 'package' => 'Gold'];
        $id = $client->createPublisher($new)['publisher']['id'];
        self::assertSame('deleted', $client->terminate($id));
        $again = $client->createPublisher($new);
        self::assertSame('revived', $again['outcome']);
        self::assertSame($id, $again['publisher']['id']);
    }

    public function testSuspendAndActivateChangeTheLinkOnceAndReportAlreadyDone(): void
    {
        $client = $this->client();
        $id = $this->sandbox->seedPublishers(1, self::unique('susp'))['first'];
        self::assertSame('applied', $client->suspend((string) $id));
        self::assertSame('SUSPENDED', $this->sandbox->link($id)['status']);
        self::assertSame('already_done', $client->suspend($id));
        self::assertSame('applied', $client->activate($id));
        self::assertSame('ACTIVE', $this->sandbox->link($id)['status']);
        self::assertSame('already_done', $client->activate("$id"));
    }

    public function testChangePackageMovesThePublisherAndCreatesTheMissingPackage(): void
    {
        $client = $this->client();
        $id = $this->sandbox->seedPublishers(1, self::unique('chpkg'))['first'];
        $package = self::unique('Platinum ');
        self::assertSame('applied', $client->changePackage($id, $package));
        self::assertSame($package, $client->getPublisher($id)['package']['name']);
        self::assertSame('already_done', $client->changePackage($id, $package));
        self::assertSame($client->findPackage($package)['id'], $this->sandbox->link($id)['package']);
    }

    public function testChangePasswordAndUpdateProfileReturnNothingAndChangeTheUser(): void
    {
        $client = $this->client();
        $id = $this->sandbox->seedPublishers(1, self::unique('prof'))['first'];
        self::assertFalse($this->sandbox->user($id)['hasPassword']);
        self::assertNull($client->changePassword($id, 'New-Passw0rd-1'));
        self::assertTrue($this->sandbox->user($id)['hasPassword']);
        self::assertNull($client->updateProfile($id, ['email' => 'new@example.com', 'name' => 'New Name']));
        $publisher = $client->getPublisher($id);
        self::assertSame('new@example.com', $publisher['email']);
        self::assertSame('New Name', $publisher['name']);
    }

    public function testTerminateDeletesTheLinkAndThenReportsAlreadyGone(): void
    {
        $client = $this->client();
        $id = $this->sandbox->seedPublishers(1, self::unique('term'))['first'];
        self::assertSame('deleted', $client->terminate($id));
        self::assertSame('DELETED', $this->sandbox->link($id)['status']);
        self::assertSame('already_gone', $client->terminate($id));
        self::assertSame('already_gone', $client->terminate(999_999));
    }

    public function testSuspendingATerminatedPublisherIsNotFound(): void
    {
        $client = $this->client();
        $id = $this->sandbox->seedPublishers(1, self::unique('gone'))['first'];
        $client->terminate($id);
        $this->expectException(NotFoundException::class);
        $client->suspend($id);
    }

    public function testFindPublisherAcceptsTheLocalOrFullUsername(): void
    {
        $client = $this->client();
        $prefix = self::unique('find');
        $id = $this->sandbox->seedPublishers(1, $prefix)['first'];
        $found = $client->findPublisher($prefix . '1');
        self::assertSame($id, $found['id']);
        self::assertSame($found, $client->findPublisher($found['username']));
        self::assertNull($client->findPublisher(self::unique('nobody')));
    }

    public function testGetPublisherReturnsThePublisherWithItsPackage(): void
    {
        $prefix = self::unique('get');
        $id = $this->sandbox->seedPublishers(1, $prefix, 'Gold')['first'];
        $publisher = $this->client()->getPublisher($id);
        self::assertSame(self::PUBLISHER_KEYS, array_keys($publisher));
        self::assertSame($id, $publisher['id']);
        self::assertSame("{$prefix}1@publishers.sandbox.test", $publisher['email']);
        self::assertSame(['id', 'name', 'bandwidth_limit_gb'], array_keys($publisher['package']));
        self::assertSame('Gold', $publisher['package']['name']);
    }

    public function testListPublishersAndItsPagesSeeEverySeededPublisher(): void
    {
        $client = $this->client(['page_size' => 7]);
        $seeded = $this->sandbox->seedPublishers(20, self::unique('list'));
        $ids = array_column($client->listPublishers(), 'id');
        foreach (range($seeded['first'], $seeded['last']) as $id) {
            self::assertContains($id, $ids);
        }
        self::assertSame(count($ids), count(array_unique($ids)));
        $page = $client->listPublishersPage('0', '5');
        self::assertCount(5, $page);
        self::assertSame(array_slice($ids, 0, 5), array_column($page, 'id'));
        self::assertSame(array_slice($ids, 5, 5), array_column($client->listPublishersPage(5, 5), 'id'));
    }

    public function testPortalUrlIsTheUnbrandedPortalOfTheOperator(): void
    {
        $client = $this->client();
        $operatorId = $client->operator()['id'];
        self::assertSame("http://portal.aflexi.net/p/$operatorId", $client->portalUrl());
    }

    public function testBandwidthUsageIsKeyedByPublisherIdInMegabytes(): void
    {
        $client = $this->client();
        $id = $this->sandbox->seedPublishers(1, self::unique('bw'))['first'];
        $usage = $client->bandwidthUsage(2026, 1);
        self::assertArrayHasKey($id, $usage);
        foreach ($usage as $publisherId => $mb) {
            self::assertIsInt($publisherId);
            self::assertIsInt($mb);
            self::assertGreaterThanOrEqual(0, $mb);
        }
        $this->expectException(InvalidInputException::class);
        $client->bandwidthUsage(2026, 13);
    }

    public function testSyncPlanSaysWhatWouldBeDoneWithoutDoingIt(): void
    {
        $client = $this->client();
        $a = self::unique('plana');
        $seeded = self::unique('planb');
        $this->sandbox->seedPublishers(1, $seeded, 'Gold');
        $before = $this->sandbox->calls()['user.create'] ?? 0;
        $plan = $client->syncPlan([
            self::desired($a),
            self::desired($seeded . '1', 'Silver', 'Suspended'),
        ]);
        self::assertSame(['entries', 'counts', 'packages_missing'], array_keys($plan));
        self::assertSame(['create'], $plan['entries'][0]['actions']);
        self::assertSame(['suspend', 'update_profile'], $plan['entries'][1]['actions']);
        self::assertSame($before, $this->sandbox->calls()['user.create'] ?? 0, 'the plan wrote');
        self::assertNull($client->findPublisher($a));
    }

    public function testSyncAppliesTheDesiredStateAndASecondRunChangesNothing(): void
    {
        $client = $this->client();
        $names = [self::unique('synca'), self::unique('syncb'), self::unique('syncc')];
        $desired = array_map(fn ($n) => self::desired($n), $names);
        $desired[1]['key'] = 1234; // WHMCS service ids are ints
        $desired[2]['password'] = 'Chosen-Passw0rd';
        $report = $client->sync($desired, ['concurrency' => 2]);
        self::assertSame(['results', 'counts', 'packages_created', 'elapsed_ms'], array_keys($report));
        self::assertSame(3, $report['counts']['done']);
        self::assertSame(['1234'], $report['results'][1]['keys']);
        foreach ($report['results'] as $i => $result) {
            self::assertSame('done', $result['outcome']);
            self::assertSame('ACTIVE', $this->sandbox->link($result['publisher_id'])['status']);
            self::assertIsString($result['password']);
        }
        self::assertSame('Chosen-Passw0rd', $report['results'][2]['password']);
        $again = $client->sync($desired);
        self::assertSame(['unchanged' => 3], $again['counts']);
    }

    public function testSyncWithATimeBudgetOfZeroLeavesEveryWritePending(): void
    {
        $report = $this->client()->sync([self::desired(self::unique('pend'))], ['time_budget_ms' => 0]);
        self::assertSame('pending', $report['results'][0]['outcome']);
    }

    public function testSyncRejectsBadEntriesNamingTheEntryAndField(): void
    {
        $client = $this->client();
        // An entry without a usable key fails the call (nobody could tell which service it
        // was); an entry with a key fails alone, as an invalid plan entry under its key.
        $b = self::desired('b');
        $cases = [
            [[['username' => 'x']], '$desired[0]', 'missing field', true],
            [[self::desired('a'), ['nope' => 1] + $b], "\$desired[key 'b']", "unknown key 'nope'", false],
            [[self::desired('a'), array_merge($b, ['email' => ['x']])], "\$desired[key 'b']['email']", 'a string is expected', false],
            [[array_merge($b, ['status' => 'Sleeping'])], "\$desired[key 'b']", 'unknown variant', false],
            [['first' => 'not an array'], "\$desired['first']", 'a string given', true],
        ];
        foreach ($cases as [$desired, $where, $what, $throws]) {
            try {
                $plan = $client->syncPlan($desired);
                self::assertFalse($throws, "accepted: $where");
                $invalid = array_values(array_filter($plan['entries'], static fn (array $e): bool => $e['error'] !== null));
                self::assertCount(1, $invalid, $where);
                self::assertSame(['b'], $invalid[0]['keys']);
                self::assertStringContainsString("invalid $where", $invalid[0]['error']);
                self::assertStringContainsString($what, $invalid[0]['error']);
                self::assertSame(1, $plan['counts']['invalid']);
                self::assertCount(count($desired), $plan['entries'], 'the good entries are planned');
            } catch (InvalidInputException $e) {
                self::assertTrue($throws, "$where threw: {$e->getMessage()}");
                self::assertStringContainsString("invalid $where", $e->getMessage());
                self::assertStringContainsString($what, $e->getMessage());
            }
        }
        // A password given as a number is taken as its text, not an error.
        self::assertSame([], array_filter($client->syncPlan([array_merge($b, ['password' => 12345678])])['entries'], static fn (array $e): bool => $e['error'] !== null));
    }

    public function testAnEntryThatIsNotUtf8FailsAloneAndTheBatchGoesOn(): void
    {
        $client = $this->client();
        $good = [self::desired(self::unique('utfa')), self::desired(self::unique('utfb'))];
        $bad = array_merge(self::desired(self::unique('utfbad')), ['key' => 4711, 'name' => "Bj\xF6rn", 'email' => "b\xF6@example.com"]);

        $report = $client->sync([$good[0], $bad, $good[1]]);

        self::assertSame(2, $report['counts']['done']);
        self::assertSame(1, $report['counts']['failed']);
        $failed = array_values(array_filter($report['results'], static fn (array $r): bool => $r['outcome'] === 'failed'));
        self::assertSame(['4711'], $failed[0]['keys']);
        self::assertStringContainsString("invalid \$desired[key '4711']", $failed[0]['error']);
        self::assertStringContainsString('not valid UTF-8', $failed[0]['error']);
        self::assertNull($failed[0]['publisher_id']);
        foreach ($good as $entry) {
            self::assertNotNull($client->findPublisher($entry['username']), 'the rest of the batch was synced');
        }
        $job = $client->syncStart([$bad]);
        self::assertSame(['failed' => 1], $job->wait()['counts'], 'syncStart reports it the same way');
    }

    public function testSyncRejectsUnknownOptions(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage("unknown option 'budget'");
        $this->client()->sync([], ['budget' => 5]);
    }

    public function testCallCountsCountEveryApiCallByMethodAndReset(): void
    {
        $client = $this->client();
        $client->operator();
        $client->resetCallCounts();
        $client->listPackages();
        $client->listPackages();
        $counts = $client->callCounts();
        self::assertGreaterThanOrEqual(4, $counts['bandwidthPackage.get']); // 2 pages each
        $client->resetCallCounts();
        self::assertSame([], $client->callCounts());
    }

    public function testTheCallLogListsTheCallsWithoutPasswordsAndEmptiesWhenTaken(): void
    {
        $client = $this->client();
        $client->operator();
        $client->takeCallLog();
        $username = self::unique('log');
        $client->createPublisher(['username' => $username, 'email' => "$username@example.com",
            'name' => 'Log', 'password' => 'Logged-Passw0rd-secret', 'package' => 'Gold']);
        $log = $client->takeCallLog();
        self::assertNotEmpty($log);
        self::assertSame(['method', 'params', 'outcome', 'elapsed_ms'], array_keys($log[0]));
        self::assertContains('user.create', array_column($log, 'method'));
        $text = json_encode($log);
        self::assertStringNotContainsString('Logged-Passw0rd-secret', $text);
        self::assertStringNotContainsString(SandboxProcess::AUTH_KEY, $text);
        self::assertSame([], $client->takeCallLog());
    }

    public function testClientOptionsAreAppliedAndCheckedByTheCore(): void
    {
        $operatorId = $this->client()->operator()['id'];
        $client = $this->client([
            'connect_timeout' => 1.5, 'timeout' => '10', 'operation_timeout' => 30, 'retries' => 1,
            'verify_tls' => 'on', 'concurrency' => 4, 'page_size' => 100, 'operator_id' => (string) $operatorId,
        ]);
        $client->resetCallCounts();
        $client->findPublisher(self::unique('opt'));
        self::assertArrayNotHasKey('user.get', $client->callCounts(), 'operator_id was not used');
        foreach ([['page_size' => 0], ['concurrency' => 1000], ['timeout' => -1], ['retries' => 'x']] as $bad) {
            try {
                $this->client($bad);
                self::fail('accepted ' . json_encode($bad));
            } catch (InvalidInputException $e) {
                self::assertStringContainsString('invalid', $e->getMessage());
            }
        }
    }

    public function testIniSettingsAreTheDefaultsOfNewClients(): void
    {
        $old = ini_set('aflexi.operation_timeout', 'not a number');
        try {
            $this->expectException(InvalidInputException::class);
            $this->expectExceptionMessage('aflexi.operation_timeout');
            $this->client();
        } finally {
            ini_set('aflexi.operation_timeout', (string) $old);
        }
    }

    public function testAClientIsNotSerializable(): void
    {
        $this->expectException(\Exception::class);
        serialize($this->client());
    }

    public function testAClientCannotBeUsedWithoutItsConstructorArguments(): void
    {
        $this->expectException(\ArgumentCountError::class);
        new Client();
    }
}
