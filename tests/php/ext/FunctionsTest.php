<?php
/**
 * The rule functions as WHMCS calls them: the core's answers come through, and the loosely
 * typed values WHMCS passes (numeric-string ids, '' for "not set", 'on' check boxes) are
 * accepted.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\InvalidInputException;

use function Aflexi\endpoint_from_server;
use function Aflexi\generate_password;
use function Aflexi\package_name;
use function Aflexi\username_for_addon;
use function Aflexi\username_for_service;

final class FunctionsTest extends ExtensionTestCase
{
    public function testEmailWithoutServiceUsernameGivesUserDomainWithTheServiceId(): void
    {
        self::assertSame('john.doe_cdn_example.com_42', username_for_service('', 'John.Doe+cdn@Example.com', 42));
    }

    public function testServiceIdMayBeANumericStringAsWhmcsPassesIt(): void
    {
        self::assertSame('user_domain.com_12', username_for_service('', 'user@domain.com', '12'));
        self::assertSame('user_domain.com_12', username_for_service(null, 'user@domain.com', ' 12 '));
        self::assertSame('user_domain.com_12', username_for_service('', 'user@domain.com', 12.0));
    }

    public function testTheServiceUsernameWinsAndTheSuffixIsAppendedOnce(): void
    {
        self::assertSame('bob_smith_7', username_for_service('Bob Smith', 'bob@example.com', 7));
        self::assertSame('bob_smith_7', username_for_service('bob_smith_7', 'bob@example.com', '7'));
    }

    public function testAServiceIdThatIsNotSetIsRejectedByName(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('invalid service id');
        username_for_service('', 'user@domain.com', '');
    }

    public function testANonNumericServiceIdIsRejectedNamingTheArgument(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('$serviceId');
        username_for_service('', 'user@domain.com', '12abc');
    }

    public function testAMissingEmailIsRejectedWhenThereIsNoServiceUsername(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('invalid email');
        username_for_service('', '', 5);
    }

    public function testTheAddonUsernameHasNoSuffix(): void
    {
        self::assertSame('user_domain.com', username_for_addon('', 'user@domain.com'));
        self::assertSame('cpanel-bob', username_for_addon('cpanel-bob', 'bob@example.com'));
        self::assertSame('12345', username_for_addon(12345, 'bob@example.com'));
    }

    public function testGeneratedPasswordsHaveSixteenCharactersOfEveryClass(): void
    {
        $seen = [];
        for ($i = 0; $i < 50; $i++) {
            $password = generate_password();
            self::assertMatchesRegularExpression('/^[a-km-zA-HJ-NP-Z2-9]{16}$/', $password);
            self::assertMatchesRegularExpression('/[a-z]/', $password);
            self::assertMatchesRegularExpression('/[A-Z]/', $password);
            self::assertMatchesRegularExpression('/[0-9]/', $password);
            $seen[$password] = true;
        }
        self::assertCount(50, $seen, 'passwords repeat');
    }

    public function testPasswordLengthIsHonouredWithinTheCoreLimits(): void
    {
        self::assertSame(24, strlen(generate_password(24)));
        self::assertSame(8, strlen(generate_password(8)));
        self::assertSame(128, strlen(generate_password(128)));
    }

    public function testPasswordLengthOutsideTheLimitsIsRejected(): void
    {
        foreach ([0, 7, 129, -1, PHP_INT_MAX] as $length) {
            try {
                generate_password($length);
                self::fail("length $length was accepted");
            } catch (InvalidInputException $e) {
                self::assertStringContainsString('length', $e->getMessage());
            }
        }
    }

    public function testPackageNameFollowsModuleSettingThenHostingPackageThenProductName(): void
    {
        self::assertSame('CDN Gold', package_name('CDN Gold', 'gold_plan', 'Gold CDN'));
        self::assertSame('gold_plan', package_name('  ', 'gold_plan', 'Gold CDN'));
        self::assertSame('Gold CDN', package_name('', null, "  Gold\t CDN "));
        self::assertSame('default', package_name('', '', ''));
        self::assertSame('default', package_name(null, null, null));
    }

    public function testEndpointFromServerUsesTheSecureFlagAsWhmcsPassesIt(): void
    {
        self::assertSame('https://api.aflexi.net/core/xmlrpc', endpoint_from_server('api.aflexi.net', 'on'));
        self::assertSame('http://api.aflexi.net/core/xmlrpc', endpoint_from_server('api.aflexi.net', ''));
        self::assertSame('https://api.aflexi.net/core/xmlrpc', endpoint_from_server('api.aflexi.net', true));
        self::assertSame('http://api.aflexi.net/core/xmlrpc', endpoint_from_server('api.aflexi.net', false));
        self::assertSame('https://api.aflexi.net/core/xmlrpc', endpoint_from_server('api.aflexi.net', 1));
        self::assertSame('http://10.0.0.5:8080/core/xmlrpc', endpoint_from_server('10.0.0.5:8080', '0'));
        self::assertSame('http://api.aflexi.net/core/xmlrpc', endpoint_from_server('api.aflexi.net', null));
        self::assertSame('https://cdn.example/core/xmlrpc', endpoint_from_server('https://cdn.example/core/xmlrpc', ''));
    }

    public function testEndpointFromServerRejectsAnEmptyHostnameAndAnUnclearFlag(): void
    {
        try {
            endpoint_from_server('', 'on');
            self::fail('empty hostname accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('hostname', $e->getMessage());
        }
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('$secure');
        endpoint_from_server('api.aflexi.net', 'maybe');
    }

    public function testNamedArgumentsUseThePhpParameterNames(): void
    {
        self::assertSame('a_b.c_9', username_for_service(serviceId: '9', email: 'a@b.c', serviceUsername: ''));
        self::assertSame(20, strlen(generate_password(length: 20)));
    }

    public function testTheExtensionReportsItsVersionAndInfoSection(): void
    {
        self::assertMatchesRegularExpression('/^\d+\.\d+\.\d+/', phpversion('aflexi'));
        self::assertSame(phpversion('aflexi'), (new \ReflectionExtension('aflexi'))->getVersion());
        ob_start();
        (new \ReflectionExtension('aflexi'))->info();
        $info = (string) ob_get_clean();
        self::assertStringContainsString('rustls (aws-lc-rs)', $info);
        self::assertStringContainsString('aflexi.operation_timeout', $info);
    }

    public function testTheIniSettingsHaveTheirDocumentedDefaults(): void
    {
        self::assertSame('5', ini_get('aflexi.connect_timeout'));
        self::assertSame('20', ini_get('aflexi.timeout'));
        self::assertSame('60', ini_get('aflexi.operation_timeout'));
        self::assertSame('16', ini_get('aflexi.concurrency'));
        self::assertSame('', ini_get('aflexi.ca_file'));
        self::assertFalse(ini_set('aflexi.ca_file', '/tmp/x.pem'), 'php.ini only');
    }
}
