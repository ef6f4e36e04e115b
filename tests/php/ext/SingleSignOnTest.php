<?php
/**
 * Aflexi\Client's single sign-on methods from PHP, against the sandbox's portal: the consumer
 * array, the login URL, and each failure thrown as its class (never a panic, never a secret).
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\AuthenticationException;
use Aflexi\ConnectionRefusedException;
use Aflexi\InvalidInputException;

final class SingleSignOnTest extends ExtensionTestCase
{
    private function publisher(): string
    {
        $username = self::unique('sso');
        $this->client()->createPublisher([
            'username' => $username, 'email' => "$username@example.com", 'name' => 'SSO Test',
            'password' => 'Initial-Passw0rd', 'package' => 'Gold',
        ]);
        return $username;
    }

    public function testRegistersAConsumerAndMakesALoginUrl(): void
    {
        $client = $this->client();
        $publisher = $this->publisher();
        $consumer = $client->registerSsoConsumer($this->sandbox->url(), $publisher, 'https://whmcs.test/');
        self::assertSame(['key', 'secret'], array_keys($consumer));
        $url = $client->ssoLoginUrl($this->sandbox->url(), $consumer['key'], $consumer['secret'], $publisher);
        $operatorId = $client->operator()['id'];
        self::assertMatchesRegularExpression(
            '~^' . preg_quote($this->sandbox->url(), '~') . '/mini_publisher\.php/\?app=whmcs&oauth_token=[A-Za-z0-9]+&auth_username='
                . preg_quote(rawurlencode("$publisher/$operatorId"), '~') . '$~',
            $url
        );
    }

    public function testEachFailureHasItsClass(): void
    {
        $client = $this->client();
        $publisher = $this->publisher();
        $consumer = $client->registerSsoConsumer($this->sandbox->url(), $publisher, 'https://whmcs.test/');
        try {
            $client->ssoLoginUrl($this->sandbox->url(), $consumer['key'], 'wrong-' . $consumer['secret'], $publisher);
            self::fail('a wrong consumer secret was accepted');
        } catch (AuthenticationException $e) {
            self::assertStringNotContainsString($consumer['secret'], $e->getMessage());
        }
        $this->expectException(InvalidInputException::class);
        $client->registerSsoConsumer('ftp://portal.example/', $publisher, 'https://whmcs.test/');
    }

    public function testAClosedPortalIsConnectionRefused(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($socket, false);
        fclose($socket);
        $this->expectException(ConnectionRefusedException::class);
        $this->client()->registerSsoConsumer("http://$address", $this->publisher(), 'https://whmcs.test/');
    }
}
