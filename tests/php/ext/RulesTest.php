<?php
/**
 * The business rules the modules ask the extension about: who is entitled to CDN, which
 * product is free, a username's parts, which publisher a service acts on, bandwidth in
 * WHMCS's units, and the passwords of the publishers a sync will create. The answers are
 * structured (codes and parts, never text to parse) and bad facts are refused by name.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\InvalidInputException;

use function Aflexi\bandwidth_limit;
use function Aflexi\bandwidth_usage_mb;
use function Aflexi\entitlement;
use function Aflexi\product_is_free;
use function Aflexi\publisher_of_service;
use function Aflexi\username_parts;

final class RulesTest extends ExtensionTestCase
{
    /** @return array<string, mixed> the facts of an entitled, synchronized service */
    private static function facts(array $changes = []): array
    {
        return $changes + [
            'suspend_event' => null,
            'cdn_enabled' => true,
            'product_free' => false,
            'service_status' => 'Active',
            'client_status' => 'Active',
            'hold' => null,
            'latest_invoice_id' => null,
            'latest_invoice_status' => null,
            'addon_required' => false,
            'addon_active' => false,
            'synchronized' => true,
        ];
    }

    public function testAnEntitledServiceIsActiveWithoutAReason(): void
    {
        self::assertSame(['desired' => 'Active', 'reason' => null, 'message' => null], entitlement(self::facts()));
    }

    public function testEachFactThatTakesCdnAwayHasItsCodeAndTheOperatorsText(): void
    {
        $cases = [
            [['cdn_enabled' => false], 'not_cdn_enabled', 'the product is not CDN enabled'],
            [['product_free' => true], 'free_product', 'the product is free'],
            [['service_status' => 'Suspended'], 'service_not_active', 'the service is Suspended'],
            [['client_status' => null], 'client_not_active', 'the client is gone'],
            [['client_status' => 'Closed'], 'client_not_active', 'the client is Closed'],
            [['hold' => 'invoice #9 was marked Unpaid'], 'on_hold', 'invoice #9 was marked Unpaid'],
            [['latest_invoice_id' => '12', 'latest_invoice_status' => 'Refunded'], 'invoice_reversed', 'invoice #12 is Refunded'],
            [['addon_required' => true], 'addon_not_active', 'the "Aflexi CDN" addon is not active on the service'],
            [['suspend_event' => 'the client was closed'], 'suspend_event', 'the client was closed'],
        ];
        foreach ($cases as [$changes, $reason, $message]) {
            self::assertSame(['desired' => 'Suspended', 'reason' => $reason, 'message' => $message], entitlement(self::facts($changes)));
        }
    }

    public function testANeverSynchronizedServiceThatIsNotEntitledIsLeftOut(): void
    {
        $decision = entitlement(self::facts(['product_free' => true, 'synchronized' => false]));
        self::assertNull($decision['desired']);
        self::assertSame('free_product', $decision['reason']);
    }

    public function testMissingUnknownAndMistypedFactsAreRefusedByName(): void
    {
        $facts = self::facts();
        unset($facts['hold']);
        foreach ([
            [$facts, "the fact 'hold' is missing"],
            [self::facts(['paid' => true]), "unknown fact 'paid'"],
            [self::facts(['service_status' => []]), "\$facts['service_status']"],
            [self::facts(['latest_invoice_id' => 'x', 'latest_invoice_status' => 'Paid']), "\$facts['latest_invoice_id']"],
            [self::facts(['latest_invoice_id' => 3]), 'both set or both null'],
        ] as [$bad, $expected]) {
            try {
                entitlement($bad);
                self::fail("accepted: $expected");
            } catch (InvalidInputException $e) {
                self::assertStringContainsString($expected, $e->getMessage());
            }
        }
    }

    public function testAProductIsFreeByItsPaytypeOrForWantOfAPrice(): void
    {
        self::assertTrue(product_is_free('Free', true));
        self::assertTrue(product_is_free('recurring', false));
        self::assertFalse(product_is_free('recurring', true));
    }

    public function testAFullUsernameComesBackInParts(): void
    {
        self::assertSame(['local' => 'john_example.com_5', 'operator_id' => 3, 'full' => 'john_example.com_5/3'], username_parts(' john_example.com_5/3 '));
        self::assertSame(['local' => 'bob', 'operator_id' => null, 'full' => 'bob'], username_parts('bob'));
        $this->expectException(InvalidInputException::class);
        username_parts(['bob/3']);
    }

    public function testTheRecordedIdThenTheRecordedUsernameThenTheServicesOwnFindThePublisher(): void
    {
        self::assertSame(['by' => 'id', 'publisher_id' => 42], publisher_of_service('42', 'bob_7'));
        self::assertSame(['by' => 'username', 'username' => 'bob_7'], publisher_of_service(null, 'bob_7'));
        self::assertSame(['by' => 'service_username'], publisher_of_service(0, ''));
    }

    public function testBandwidthIsInWhmcsMegabytesBoundedByItsColumn(): void
    {
        self::assertSame(['mb' => 102400, 'beyond_column' => false], bandwidth_limit(100));
        self::assertSame(['mb' => 0, 'beyond_column' => false], bandwidth_limit(null));
        self::assertSame(['mb' => 2097151 * 1024, 'beyond_column' => false], bandwidth_limit(2097151));
        self::assertSame(['mb' => 0, 'beyond_column' => true], bandwidth_limit(2097152));
        self::assertSame(2147483647, bandwidth_usage_mb(2147483647));
        self::assertSame(0, bandwidth_usage_mb(-4));
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('beyond the bwusage column');
        bandwidth_usage_mb(2147483648);
    }

    public function testSyncPasswordsGivesOneNewPasswordToEachPublisherTheSyncCreatesAndWritesNothing(): void
    {
        $client = $this->client();
        $existing = self::unique('pwold');
        $client->sync([self::desired($existing)]);
        $new = self::unique('pwnew');
        $desired = [
            ['key' => '1'] + self::desired($existing),
            ['key' => '2'] + self::desired($new),
            ['key' => '3'] + self::desired(strtoupper($new)),
            ['key' => '4', 'password' => 'Stored-Pending9'] + self::desired(self::unique('pwkept')),
            ['key' => '5'] + self::desired(self::unique('pwoff'), 'Gold', 'Suspended'),
        ];
        $held = $client->syncPasswords($desired);
        self::assertNull($client->findPublisher($new), 'deciding creates nothing');
        $byKey = array_column($held, null, 'key');
        self::assertSame(['4', '2', '3'], array_map('strval', array_keys($byKey)));
        self::assertSame(['key' => '4', 'password' => 'Stored-Pending9', 'new' => false], $byKey['4']);
        self::assertTrue($byKey['2']['new']);
        self::assertSame($byKey['2']['password'], $byKey['3']['password']);

        // The sync creates the publisher with the password decided before it.
        $desired[1]['password'] = $byKey['2']['password'];
        $report = $client->sync([$desired[1]]);
        self::assertSame($byKey['2']['password'], $report['results'][0]['password']);
    }
}
