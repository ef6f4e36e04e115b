<?php
/**
 * ClientEdit as WHMCS sends it and kept off the client's request:
 * the client area sends only the changed columns plus `olddata`, the admin area every column;
 * the hook only queues the client, and the next cron run (AfterCronJob) synchronizes.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\ClientQueue;
use WHMCS\Module\Addon\AflexiCdn\HookHandlers;
use WhmcsHarness\Actions;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Whmcs;

final class ClientEditTest extends AddonTestCase
{
    public function testAClientAreaEmailChangeCallsNoApiOnTheRequestAndTheNextCronRunSynchronizesIt(): void
    {
        [$client, $username] = $this->synchronizedClient('zoe.old@example.com');
        $before = $this->sandbox->totalCalls();

        Actions::editClientInClientArea($client, ['email' => 'zoe.new@example.com']);

        $payload = Whmcs::hookRuns('ClientEdit')[0]['vars'];
        self::assertSame(['userid', 'isOptedInToMarketingEmails', 'olddata'], array_keys($payload), 'the client-area shape: no new values');
        self::assertSame($before, $this->sandbox->totalCalls(), 'no Aflexi call while the client waits');
        self::assertSame([$client], ClientQueue::all());
        self::assertSame('zoe.old@example.com', $this->publisher($username)['email']);

        $this->afterCron();

        self::assertSame('zoe.new@example.com', $this->publisher($username)['email']);
        self::assertSame([], ClientQueue::all());
    }

    public function testAClientAreaChangeOfOtherColumnsQueuesNothing(): void
    {
        [$client] = $this->synchronizedClient('yann@example.com');
        $before = $this->sandbox->totalCalls();

        Actions::editClientInClientArea($client, ['phonenumber' => '+1.5550100', 'city' => 'Elsewhere']);
        $this->afterCron();

        self::assertSame([], ClientQueue::all(), 'status, e-mail and name missing from the payload are unchanged, not cleared');
        self::assertSame($before, $this->sandbox->totalCalls());
    }

    public function testAMissingColumnIsReadFromTheCurrentRowAndComparedWithOlddata(): void
    {
        $old = ['email' => 'a@example.com', 'firstname' => 'A', 'lastname' => 'B', 'companyname' => '', 'status' => 'Active'];

        self::assertFalse(HookHandlers::profileChanged(['userid' => 1, 'olddata' => $old], $old), 'client area, nothing relevant changed');
        self::assertTrue(HookHandlers::profileChanged(['userid' => 1, 'olddata' => $old], ['email' => 'b@example.com'] + $old), 'client area, new e-mail saved');
        self::assertFalse(HookHandlers::profileChanged(['userid' => 1, 'city' => 'X', 'olddata' => $old], $old), 'a partial payload');
        self::assertFalse(HookHandlers::profileChanged(['userid' => 1, 'olddata' => $old] + $old, $old), 'the admin shape, nothing changed');
        self::assertTrue(HookHandlers::profileChanged(['userid' => 1, 'companyname' => 'Acme', 'olddata' => $old], $old), 'the payload wins over the row');
        self::assertTrue(HookHandlers::profileChanged(['userid' => 1, 'status' => 'Inactive', 'olddata' => $old], $old));
        self::assertTrue(HookHandlers::profileChanged(['userid' => 1], $old), 'no olddata: assume changed');
        self::assertFalse(HookHandlers::profileChanged(['userid' => 1, 'olddata' => $old], []), 'client gone: nothing to compare');
    }

    public function testAQueuedClientStaysQueuedWhileAflexiCannotBeReached(): void
    {
        [$client, $username] = $this->synchronizedClient('xena.old@example.com');
        Actions::editClientInClientArea($client, ['email' => 'xena.new@example.com']);
        $hostname = (string) Capsule::table('tblservers')->where('id', $this->serverId)->value('hostname');
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['hostname' => '127.0.0.1:1']);

        $this->afterCron();

        self::assertSame([$client], ClientQueue::all(), 'kept for the next run');
        self::assertNotSame([], array_filter(Whmcs::activityLog(), static fn (string $l): bool => str_contains($l, 'Aflexi CDN')));

        Capsule::table('tblservers')->where('id', $this->serverId)->update(['hostname' => $hostname]);
        $this->afterCron();

        self::assertSame([], ClientQueue::all());
        self::assertSame('xena.new@example.com', $this->publisher($username)['email']);
    }

    /** @return array{0: int, 1: string} a client with a synchronized publisher, and its username */
    private function synchronizedClient(string $email): array
    {
        $product = $this->product();
        $client = Fixtures::client(['email' => $email]);
        $service = $this->activeService($product, ['userid' => $client]);
        $this->saveAndApply([$product]);
        $username = $this->usernameOf($service);
        self::assertNotNull($this->publisher($username));
        return [$client, $username];
    }
}
