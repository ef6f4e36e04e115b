<?php
/**
 * The exception classes: their hierarchy, that they behave as PHP's own exceptions (file,
 * line, trace, construction and subclassing from PHP), that each failure of the core arrives
 * as its class with its code, and that no message carries a secret.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\AuthenticationException;
use Aflexi\Client;
use Aflexi\Exception as AflexiException;
use Aflexi\FaultException;
use Aflexi\InvalidInputException;
use Aflexi\NotFoundException;
use Aflexi\TransportException;
use AflexiTests\Support\SandboxProcess;

final class ExceptionsTest extends ExtensionTestCase
{
    private const SUBCLASSES = [
        InvalidInputException::class,
        AuthenticationException::class,
        FaultException::class,
        NotFoundException::class,
        TransportException::class,
    ];

    protected function tearDown(): void
    {
        $this->sandbox->calm();
    }

    public function testTheBaseClassExtendsRuntimeExceptionAndEverySubclassExtendsTheBase(): void
    {
        self::assertSame(\RuntimeException::class, get_parent_class(AflexiException::class));
        foreach (self::SUBCLASSES as $class) {
            self::assertSame(AflexiException::class, get_parent_class($class), $class);
            self::assertSame('aflexi', (new \ReflectionClass($class))->getExtensionName());
        }
        // One class per kind of transport failure, so callers branch with instanceof.
        $transport = [
            \Aflexi\ConnectException::class => TransportException::class,
            \Aflexi\ConnectionRefusedException::class => \Aflexi\ConnectException::class,
            \Aflexi\DnsException::class => \Aflexi\ConnectException::class,
            \Aflexi\TlsException::class => \Aflexi\ConnectException::class,
            \Aflexi\TimeoutException::class => TransportException::class,
            \Aflexi\HttpStatusException::class => TransportException::class,
            \Aflexi\ResponseTooLargeException::class => TransportException::class,
            \Aflexi\ProtocolException::class => TransportException::class,
        ];
        foreach ($transport as $class => $parent) {
            self::assertSame($parent, get_parent_class($class), $class);
            self::assertSame('aflexi', (new \ReflectionClass($class))->getExtensionName());
        }
    }

    public function testAFaultExceptionCanBeConstructedFromPhpWithItsFileAndLine(): void
    {
        $previous = new \LogicException('cause');
        $line = __LINE__ + 1;
        $e = new FaultException('m', 9, $previous);
        self::assertSame('m', $e->getMessage());
        self::assertSame(9, $e->getCode());
        self::assertSame(__FILE__, $e->getFile());
        self::assertSame($line, $e->getLine());
        self::assertSame($previous, $e->getPrevious());
        self::assertInstanceOf(\RuntimeException::class, $e);
    }

    public function testEveryClassIsConstructibleAndCatchableAsRuntimeException(): void
    {
        foreach (array_merge([AflexiException::class], self::SUBCLASSES) as $class) {
            try {
                throw new $class('x', 3);
            } catch (\RuntimeException $e) {
                self::assertInstanceOf($class, $e);
                self::assertSame(3, $e->getCode());
            }
        }
    }

    public function testTheClassesCanBeExtendedFromPhp(): void
    {
        $e = new class ('sub', 4) extends NotFoundException {
        };
        self::assertInstanceOf(AflexiException::class, $e);
        self::assertSame(4, $e->getCode());
    }

    public function testAThrownExceptionHasTheCallersFileLineAndTrace(): void
    {
        try {
            $line = __LINE__ + 1;
            \Aflexi\username_for_service('', '', 1);
            self::fail('no exception');
        } catch (InvalidInputException $e) {
            self::assertSame(__FILE__, $e->getFile());
            self::assertSame($line, $e->getLine());
            self::assertNotEmpty($e->getTrace());
            self::assertSame('Aflexi\\username_for_service', $e->getTrace()[0]['function']);
            self::assertSame(__FUNCTION__, $e->getTrace()[1]['function']);
            self::assertStringContainsString(__FILE__, $e->getTraceAsString());
        }
    }

    public function testAWrongAuthKeyIsAnAuthenticationExceptionThatDoesNotQuoteTheKey(): void
    {
        $client = new Client($this->sandbox->coreUrl(), SandboxProcess::OPERATOR, 'wrong-key-Zx9-never-print');
        try {
            $client->verifyCredentials();
            self::fail('wrong key accepted');
        } catch (AuthenticationException $e) {
            self::assertStringContainsString('authentication failed', $e->getMessage());
            self::assertStringNotContainsString('wrong-key-Zx9-never-print', $e->getMessage());
            self::assertStringNotContainsString('wrong-key-Zx9-never-print', (string) $e);
        }
    }

    public function testAnUnknownPublisherIsANotFoundException(): void
    {
        $this->expectException(NotFoundException::class);
        $this->expectExceptionMessage('publisher #987654 not found');
        $this->client()->getPublisher('987654');
    }

    public function testAnApiFaultIsAFaultExceptionWithTheFaultCode(): void
    {
        $client = $this->client();
        $client->operator(); // known before the faults start
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['fault']]);
        try {
            $client->findPublisher(self::unique('fault'));
            self::fail('no fault');
        } catch (FaultException $e) {
            self::assertSame(500, $e->getCode());
            self::assertStringContainsString('Aflexi API fault 500', $e->getMessage());
        }
    }

    public function testAnHttpErrorIsATransportExceptionWithTheStatusAsCode(): void
    {
        $client = $this->client(['retries' => 0]);
        $client->operator();
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['http500']]);
        try {
            $client->listPackages();
            self::fail('no error');
        } catch (TransportException $e) {
            self::assertInstanceOf(\Aflexi\HttpStatusException::class, $e);
            self::assertSame(500, $e->getCode());
            self::assertStringContainsString('HTTP status 500', $e->getMessage());
        }
    }

    public function testAMalformedAnswerIsATransportException(): void
    {
        $client = $this->client(['retries' => 0]);
        $client->operator();
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['malformed']]);
        $this->expectException(\Aflexi\ProtocolException::class);
        $this->expectExceptionMessage('malformed');
        $client->listPackages();
    }

    public function testAnUnreachablePortIsAConnectionRefusedException(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        $client = new Client("http://127.0.0.1:$port/core/xmlrpc", 'acme', SandboxProcess::AUTH_KEY, ['retries' => 0]);
        try {
            $client->verifyCredentials();
            self::fail('no error');
        } catch (TransportException $e) {
            self::assertInstanceOf(\Aflexi\ConnectionRefusedException::class, $e);
            self::assertStringContainsString('connection refused', $e->getMessage());
            self::assertStringNotContainsString(SandboxProcess::AUTH_KEY, (string) $e);
        }
    }

    /*
     * The two tests below hang the sandbox far longer than the client's limits; a hang ends by
     * dropping the connection (not a timeout), so a TimeoutException can only come from the
     * client's own limits, and its message says which one.
     */

    public function testAHangingServerIsATimeoutExceptionOfTheRequestTimeout(): void
    {
        // operation_timeout: far above 0.5 s, far below the default timeout (20 s), so a
        // timeout option that was not applied ends in the operation's message.
        $client = $this->client(['timeout' => 0.5, 'retries' => 0, 'operation_timeout' => 5]);
        $client->operator();
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['timeout'], 'hang_ms' => 120000]);
        try {
            $client->listPackages();
            self::fail('no error');
        } catch (TransportException $e) {
            self::assertInstanceOf(\Aflexi\TimeoutException::class, $e);
            self::assertStringContainsString('timed out', $e->getMessage());
            self::assertStringNotContainsString('did not finish within', $e->getMessage(), 'the request timeout ended it');
        }
    }

    public function testTheOperationTimeoutBoundsEveryWaitWhateverTheRetries(): void
    {
        $client = $this->client(['timeout' => 60, 'retries' => 10, 'operation_timeout' => 0.5]);
        $client->operator();
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['timeout'], 'hang_ms' => 120000]);
        try {
            $client->listPublishers();
            self::fail('no error');
        } catch (TransportException $e) {
            self::assertInstanceOf(\Aflexi\TimeoutException::class, $e);
            self::assertStringContainsString('did not finish within 0.5 s', $e->getMessage());
        }
    }

    public function testInvalidInputSentToTheApiIsAnInvalidInputExceptionWithoutThePassword(): void
    {
        $secret = 'Pw-0123456789-never-print';
        try {
            $this->client()->createPublisher([
                'username' => self::unique('nomail'), 'email' => '', 'name' => 'X',
                'password' => $secret, 'package' => 'Gold',
            ]);
            self::fail('accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('invalid email', $e->getMessage());
            self::assertStringNotContainsString($secret, (string) $e);
        }
    }

    public function testABadPasswordIsRejectedWithoutQuotingIt(): void
    {
        $publisher = $this->sandbox->seedPublishers(1, self::unique('pw'));
        $secret = "tab\tPassword-never-print";
        try {
            $this->client()->changePassword($publisher['first'], $secret);
            self::fail('accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('invalid password', $e->getMessage());
            self::assertStringNotContainsString('never-print', (string) $e);
        }
    }

    public function testAClientWithBadOptionsNeverQuotesTheAuthKey(): void
    {
        foreach ([['timeout' => 'soon'], ['nonsense' => 1], ['concurrency' => 0], ['verify_tls' => []]] as $options) {
            try {
                new Client($this->sandbox->coreUrl(), 'acme', SandboxProcess::AUTH_KEY, $options);
                self::fail('accepted ' . json_encode($options));
            } catch (InvalidInputException $e) {
                self::assertStringNotContainsString(SandboxProcess::AUTH_KEY, (string) $e);
            }
        }
        try {
            new Client('ftp://' . SandboxProcess::AUTH_KEY, 'acme', SandboxProcess::AUTH_KEY);
            self::fail('accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('endpoint', $e->getMessage());
            self::assertStringNotContainsString(SandboxProcess::AUTH_KEY, $e->getMessage());
        }
    }
}
