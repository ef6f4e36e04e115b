<?php
/**
 * The whole life of CDN accounts through WHMCS, for several clients and services at once
 * (two services of one client among them): create, suspend, unsuspend, change package,
 * change password, terminate — each checked on Aflexi (the sandbox), in WHMCS's rows and in
 * the module's records.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Module\Server\Aflexi\PublisherRecords;

final class LifecycleTest extends ModuleTestCase
{
    public function testFullLifecycleForSeveralClientsAndServices(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $silver = $this->product('CDN Silver', 'silver');
        $alice = $this->client(['firstname' => 'Alice', 'lastname' => 'Adams', 'email' => 'alice@shop.example']);
        $bob = $this->client(['firstname' => 'Bob', 'lastname' => 'Brown', 'email' => 'bob@other.example']);
        $services = [
            $this->service($gold, $alice),
            $this->service($silver, $alice),
            $this->service($gold, $bob, ['domain' => 'bobsite.example']),
        ];

        foreach ($services as $id) {
            $this->assertActionSucceeds('Create', $id);
        }
        $usernames = array_map(fn (int $id): string => (string) $this->hosting($id)->username, $services);
        self::assertSame(["alice_shop.example_{$services[0]}", "alice_shop.example_{$services[1]}", "bobsitee_{$services[2]}"], $usernames);
        foreach ($services as $i => $id) {
            $link = $this->linkOf($usernames[$i]);
            self::assertNotNull($link, "service #$id has a CDN account");
            self::assertSame('ACTIVE', $link['status']);
            self::assertSame('Active', $this->hosting($id)->domainstatus);
            self::assertSame(PublisherRecords::ACTIVE, $this->record($id)->status);
        }
        self::assertSame('gold', $this->packageOf($this->linkOf($usernames[0])));
        self::assertSame('silver', $this->packageOf($this->linkOf($usernames[1])));

        $this->assertActionSucceeds('Suspend', $services[0]);
        self::assertSame('SUSPENDED', $this->linkOf($usernames[0])['status']);
        self::assertSame('ACTIVE', $this->linkOf($usernames[1])['status'], 'the other service of the same client is untouched');

        $this->assertActionSucceeds('Unsuspend', $services[0]);
        self::assertSame('ACTIVE', $this->linkOf($usernames[0])['status']);

        \WHMCS\Database\Capsule::table('tblhosting')->where('id', $services[2])->update(['packageid' => $silver]);
        $this->assertActionSucceeds('ChangePackage', $services[2]);
        self::assertSame('silver', $this->packageOf($this->linkOf($usernames[2])));
        self::assertSame('silver', $this->record($services[2])->package);

        $this->assertActionSucceeds('ChangePassword', $services[1], ['password' => 'New-Pass-2024x']);
        self::assertTrue($this->passwordWorks($usernames[1], 'New-Pass-2024x'));

        foreach ($services as $i => $id) {
            $this->assertActionSucceeds('Terminate', $id);
            self::assertSame('DELETED', $this->linkOf($usernames[$i])['status']);
            self::assertSame(PublisherRecords::DELETED, $this->record($id)->status);
        }
    }
}
