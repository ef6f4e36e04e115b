<?php
/**
 * ListAccounts (Utilities > Server Sync): every publisher of the operator, read page by page,
 * in WHMCS's account fields; terminated ones left out.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiTests\Support\SandboxProcess;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Schema;
use WHMCS\Service\Status;
use WhmcsHarness\Params;

final class ListAccountsTest extends ModuleTestCase
{
    /** @testdox ListAccounts over 1,000 publishers: every live one, paged, with WHMCS's fields */
    #[\PHPUnit\Framework\Attributes\TestDox('ListAccounts over 1,000 publishers: every live one, paged, with WHMCS\'s fields')]
    public function testListAccountsOverAThousandPublishers(): void
    {
        $this->sandbox->seedPublishers(1200, 'bulk', 'bulk-pkg', 'ACTIVE', $this->operatorLogin);
        $this->sandbox->seedPublishers(30, 'idle', 'idle-pkg', 'SUSPENDED', $this->operatorLogin);
        $this->sandbox->seedPublishers(20, 'gone', 'bulk-pkg', 'DELETED', $this->operatorLogin);
        $client = $this->client(['email' => 'sync@example.com']);
        $kept = $this->service($this->product('CDN Gold', 'gold'), $client);
        $ended = $this->service($this->product('CDN Gold', 'gold'), $client);
        $this->assertActionSucceeds('Create', $kept);
        $this->assertActionSucceeds('Create', $ended);
        $this->assertActionSucceeds('Terminate', $ended);
        $this->sandbox->seedPublishers(5, 'other', 'default', 'ACTIVE', SandboxProcess::OTHER_OPERATOR);

        $result = null;
        $calls = $this->apiCallsDuring(function () use (&$result): void {
            $result = aflexi_ListAccounts(Params::forServer($this->serverId));
        });

        self::assertTrue($result['success'], $result['error'] ?? '');
        $accounts = [];
        foreach ($result['accounts'] as $account) {
            $accounts[$account['username']] = $account;
        }
        self::assertCount(1200 + 30 + 1, $result['accounts'], 'every live publisher once; terminated and other operators\' left out');
        self::assertCount(1231, $accounts, 'no duplicates');
        self::assertSame([
            'email' => 'bulk777@publishers.sandbox.test',
            'username' => 'bulk777',
            'domain' => '',
            'uniqueIdentifier' => 'bulk777',
            'product' => 'bulk-pkg',
            'primaryip' => '',
            'created' => $accounts['bulk777']['created'],
            'status' => Status::ACTIVE,
        ], $accounts['bulk777']);
        self::assertMatchesRegularExpression('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $accounts['bulk777']['created']);
        self::assertSame(Status::SUSPENDED, $accounts['idle3']['status']);
        self::assertSame('idle-pkg', $accounts['idle3']['product']);
        self::assertArrayNotHasKey('gone1', $accounts);
        self::assertArrayNotHasKey("sync_example.com_$ended", $accounts);
        $mine = $accounts["sync_example.com_$kept"];
        self::assertSame('gold', $mine['product']);
        self::assertSame('sync@example.com', $mine['email']);
        self::assertSame(
            (string) Capsule::table(Schema::PUBLISHERS)->where('service_id', $kept)->value('created_at'),
            $mine['created'],
            'a linked account shows when WHMCS created it'
        );
        self::assertGreaterThanOrEqual(3, $calls, 'read in pages');
        self::assertLessThanOrEqual(6, $calls, 'pages of 500: 1,251 links in 3 pages and an empty one, plus the operator lookup');
    }

    /** @testdox ListAccounts with nothing to list is an empty success */
    #[\PHPUnit\Framework\Attributes\TestDox('ListAccounts with nothing to list is an empty success')]
    public function testListAccountsWithNothingToList(): void
    {
        self::assertSame(['success' => true, 'accounts' => []], aflexi_ListAccounts(Params::forServer($this->serverId)));
    }

    /** @testdox ListAccounts with the API down says why */
    #[\PHPUnit\Framework\Attributes\TestDox('ListAccounts with the API down says why')]
    public function testListAccountsWithTheApiDown(): void
    {
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['hostname' => '127.0.0.1:1']);

        $result = aflexi_ListAccounts(Params::forServer($this->serverId));

        self::assertFalse($result['success']);
        self::assertStringContainsString('could not be reached', $result['error']);
    }
}
