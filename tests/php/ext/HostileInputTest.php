<?php
/**
 * Values nobody should pass, passed anyway: every one ends in a clear exception (or a
 * sensible result), never a crash, a Rust panic (a PHP \Error "Rust panic: …") or a TypeError.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\Client;
use Aflexi\InvalidInputException;

use function Aflexi\endpoint_from_server;
use function Aflexi\generate_password;
use function Aflexi\package_name;
use function Aflexi\username_for_addon;
use function Aflexi\username_for_service;

final class HostileInputTest extends ExtensionTestCase
{
    /** @return array<string, array{mixed}> */
    public static function hostileValues(): array
    {
        $fp = fopen('php://memory', 'r');
        $recursive = [1];
        $recursive[] = &$recursive;
        return [
            'array' => [['a', 'b']],
            'nested array' => [[[['deep']]]],
            'recursive array' => [$recursive],
            'object' => [new \stdClass()],
            'stringable object' => [new class () {
                public function __toString(): string
                {
                    return 'x';
                }
            }],
            'closure' => [fn () => 1],
            'resource' => [$fp],
            'invalid UTF-8' => ["\xC3\x28\xFF"],
            'NUL bytes' => ["a\0b"],
            'megabyte string' => [str_repeat('x', 1 << 20)],
            'megabyte of invalid UTF-8' => [str_repeat("\xFF", 1 << 20)],
            'NAN' => [NAN],
            'INF' => [INF],
            'PHP_INT_MIN' => [PHP_INT_MIN],
            'negative float' => [-1.5],
            'true' => [true],
            'false' => [false],
            'null' => [null],
        ];
    }

    /**
     * Calls $call and returns what it returned, or the exception; a \Error (a panic or a
     * TypeError) or anything that is not the extension's own exception fails the test.
     */
    private static function outcome(callable $call): mixed
    {
        try {
            return $call();
        } catch (\Aflexi\Exception $e) {
            self::assertNotSame('', $e->getMessage());
            self::assertStringNotContainsString('Rust panic', $e->getMessage());
            return $e;
        }
    }

    /** @dataProvider hostileValues */
    #[\PHPUnit\Framework\Attributes\DataProvider('hostileValues')]
    public function testTheRuleFunctionsNeverCrashOnAnyArgument(mixed $value): void
    {
        $calls = [
            fn () => username_for_service($value, 'a@b.c', 1),
            fn () => username_for_service('u', $value, 1),
            fn () => username_for_service('u', 'a@b.c', $value),
            fn () => username_for_addon($value, $value),
            fn () => generate_password($value),
            fn () => package_name($value, $value, $value),
            fn () => endpoint_from_server($value, $value),
            fn () => endpoint_from_server('h', $value),
        ];
        foreach ($calls as $call) {
            $result = self::outcome($call);
            self::assertTrue(is_string($result) || $result instanceof InvalidInputException, get_debug_type($result));
        }
    }

    /** @dataProvider hostileValues */
    #[\PHPUnit\Framework\Attributes\DataProvider('hostileValues')]
    public function testTheClientNeverCrashesOnAnyArgument(mixed $value): void
    {
        $client = $this->client(['retries' => 0]);
        $calls = [
            fn () => new Client($value, 'acme', 'k'),
            fn () => new Client($this->sandbox->coreUrl(), $value, 'k'),
            fn () => new Client($this->sandbox->coreUrl(), 'acme', $value),
            fn () => new Client($this->sandbox->coreUrl(), 'acme', 'k', $value),
            fn () => new Client($this->sandbox->coreUrl(), 'acme', 'k', ['timeout' => $value]),
            fn () => new Client($this->sandbox->coreUrl(), 'acme', 'k', ['verify_tls' => $value]),
            fn () => $client->findPackage($value),
            fn () => $client->findPublisher($value),
            fn () => $client->getPublisher($value),
            fn () => $client->listPublishersPage($value, $value),
            fn () => $client->createPublisher($value),
            fn () => $client->createPublisher(['username' => $value, 'email' => $value, 'password' => $value]),
            fn () => $client->suspend($value),
            fn () => $client->changePackage($value, $value),
            fn () => $client->changePassword(1, $value),
            fn () => $client->updateProfile($value, $value),
            fn () => $client->updateProfile(1, ['email' => $value]),
            fn () => $client->terminate($value),
            fn () => $client->bandwidthUsage($value, $value),
            fn () => $client->syncPlan($value),
            fn () => $client->syncPlan([$value]),
            fn () => $client->syncPlan([['key' => $value, 'username' => $value, 'email' => $value,
                'package' => $value, 'status' => $value]]),
            fn () => $client->sync([], $value),
            fn () => $client->sync([], ['concurrency' => $value]),
        ];
        foreach ($calls as $i => $call) {
            $result = self::outcome($call);
            self::assertNotInstanceOf(\Error::class, $result, "call #$i");
        }
    }

    public function testInvalidUtf8IsAnInvalidInputExceptionNamingTheArgument(): void
    {
        try {
            username_for_service('', "bad\xFF@example.com", 3);
            self::fail('accepted');
        } catch (InvalidInputException $e) {
            self::assertSame('invalid $email: the string is not valid UTF-8 (bad byte at offset 3)', $e->getMessage());
        }
        // In a desired entry with a key, the entry fails alone, named by its key.
        $plan = $this->client()->syncPlan([['key' => 1, "us\xFFer" => 'x']]);
        self::assertSame(['1'], $plan['entries'][0]['keys']);
        self::assertStringContainsString("invalid \$desired[key '1']", (string) $plan['entries'][0]['error']);
        self::assertStringContainsString('not valid UTF-8', (string) $plan['entries'][0]['error']);
    }

    public function testArraysWhereStringsAreExpectedAreRejectedByArgumentName(): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage('invalid $hostingPackage: an array given, a string expected');
        package_name('', ['gold'], '');
    }

    public function testAMegabyteUsernameIsCutToTheCoreLimit(): void
    {
        $name = username_for_service(str_repeat('ab', 1 << 19), 'a@b.c', 42);
        self::assertSame(64, strlen($name));
        self::assertStringEndsWith('_42', $name);
        self::assertSame(64, strlen(package_name(str_repeat('Gold ', 200_000), '', '')));
    }

    public function testDeeplyNestedAndSelfReferencingArraysAreRejectedNotFollowed(): void
    {
        $deep = 'leaf';
        for ($i = 0; $i < 10_000; $i++) {
            $deep = [$deep];
        }
        $recursive = ['key' => 'k'];
        $recursive['self'] = &$recursive;
        try {
            $this->client()->syncPlan([$deep]);
            self::fail('accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('invalid $desired[0]', $e->getMessage());
        }
        // With a key, the entry fails alone, named by it.
        $plan = $this->client()->syncPlan([$recursive]);
        self::assertSame(['k'], $plan['entries'][0]['keys']);
        self::assertStringContainsString("invalid \$desired[key 'k']", (string) $plan['entries'][0]['error']);
    }

    public function testTooManyOrTooFewArgumentsAreArgumentCountErrors(): void
    {
        $this->expectException(\ArgumentCountError::class);
        username_for_service('a', 'b');
    }

    public function testAFloatIdWithoutFractionIsAcceptedAndOneWithAFractionIsNot(): void
    {
        self::assertSame('u_5', username_for_service('u', '', 5.0));
        $this->expectException(InvalidInputException::class);
        username_for_service('u', '', 5.5);
    }
}
